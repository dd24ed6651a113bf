package io.ftgo.edge.composition;

import java.util.Map;

/**
 * The inputs of one execution.
 *
 * @param parameters request parameters (path variables and query parameters) by name
 * @param principal attributes of the authenticated principal, e.g. {@code consumerId};
 * nested maps are reachable with dot paths
 * @param identityScope who the answers are for (e.g. the subject): calls to non-shared
 * providers are collapsed and cached only within one scope. When {@code null}, the engine
 * falls back to the {@code Authorization} header, then to the principal attributes, so a
 * request with credentials is never treated as anonymous; only a request with none of
 * them shares the anonymous scope
 * @param headers headers to propagate to providers, e.g. {@code Authorization} and
 * {@code traceparent}
 */
public record CompositionRequest(Map<String, String> parameters, Map<String, Object> principal, String identityScope,
		Map<String, String> headers) {

	/**
	 * Normalizes {@code null} maps to empty ones.
	 * @param parameters request parameters
	 * @param principal principal attributes
	 * @param identityScope identity scope
	 * @param headers headers to propagate
	 */
	public CompositionRequest {
		parameters = (parameters != null) ? Map.copyOf(parameters) : Map.of();
		principal = (principal != null) ? Map.copyOf(principal) : Map.of();
		headers = (headers != null) ? Map.copyOf(headers) : Map.of();
	}

	/**
	 * An anonymous request with parameters only.
	 * @param parameters request parameters
	 * @return the request
	 */
	public static CompositionRequest of(Map<String, String> parameters) {
		return new CompositionRequest(parameters, null, null, null);
	}

	/**
	 * A copy for a principal, whose attributes and scope are set.
	 * @param identityScope the identity scope, e.g. the subject
	 * @param principal the principal attributes
	 * @return the copy
	 */
	public CompositionRequest withPrincipal(String identityScope, Map<String, Object> principal) {
		return new CompositionRequest(this.parameters, principal, identityScope, this.headers);
	}

	/**
	 * A copy with headers to propagate.
	 * @param headers the headers
	 * @return the copy
	 */
	public CompositionRequest withHeaders(Map<String, String> headers) {
		return new CompositionRequest(this.parameters, this.principal, this.identityScope, headers);
	}

}
