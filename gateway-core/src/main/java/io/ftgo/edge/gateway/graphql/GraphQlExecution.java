package io.ftgo.edge.gateway.graphql;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.ftgo.edge.composition.ProviderCalls;

/**
 * The state of one GraphQL request, in its {@code GraphQLContext}: the provider calls
 * (one deadline, per-request deduplication, the call budget), the caller's principal
 * attributes, and the fields served stale or by default (for {@code extensions}).
 */
final class GraphQlExecution {

	static final String KEY = GraphQlExecution.class.getName();

	private final ProviderCalls calls;

	private final Map<String, Object> principal;

	private final Map<String, Map<String, Object>> degraded = new ConcurrentHashMap<>();

	GraphQlExecution(ProviderCalls calls, Map<String, Object> principal) {
		this.calls = calls;
		this.principal = principal;
	}

	ProviderCalls calls() {
		return this.calls;
	}

	Map<String, Object> principal() {
		return this.principal;
	}

	void degraded(String path, Map<String, Object> what) {
		this.degraded.put(path, what);
	}

	/** Degraded fields by path, in path order. */
	Map<String, Map<String, Object>> degraded() {
		return new java.util.TreeMap<>(this.degraded);
	}

	Map<String, Object> summary() {
		Map<String, Object> summary = new LinkedHashMap<>();
		summary.put("providerCalls", this.calls.calls());
		return summary;
	}

}
