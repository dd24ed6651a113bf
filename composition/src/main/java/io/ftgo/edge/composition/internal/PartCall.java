package io.ftgo.edge.composition.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

import io.ftgo.edge.composition.CompositionRequest;
import io.ftgo.edge.composition.FailureReason;
import io.ftgo.edge.composition.PartContext;
import io.ftgo.edge.composition.PayloadShape;
import io.ftgo.edge.composition.fallback.CallKey;
import io.ftgo.edge.composition.plan.PlannedPart;
import io.ftgo.edge.composition.plan.Reference;
import io.ftgo.edge.composition.policy.CallFailure;
import io.ftgo.edge.composition.policy.ProviderSettings;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * One part's call (internal): resolves its inputs (the path template, or the values a DSL
 * source uses), checks the answer's shape inside the protected attempt, and runs it
 * through {@link ProtectedCalls}.
 */
final class PartCall {

	private final ProtectedCalls calls;

	PartCall(ProtectedCalls calls) {
		this.calls = calls;
	}

	/**
	 * Resolves a call's inputs.
	 * @return the call, or {@code null} when an input has no value
	 */
	Call prepare(Run run, PlannedPart part, JsonNode item) {
		ProviderSettings provider = part.provider();
		String scope = provider.shared() ? "" : run.scope;
		if (part.template() != null) {
			String path = part.template().expand(run.request, run.raw, item);
			if (path == null) {
				return null;
			}
			return new Call(new CallKey(provider.id(), path, scope),
					() -> expect(part, this.calls.http(provider.id(), path, null, run.request.headers())));
		}
		Map<String, String> values = new LinkedHashMap<>();
		StringBuilder target = new StringBuilder("source:").append(run.plan.name())
			.append('/')
			.append(part.name())
			.append('?');
		for (Map.Entry<String, Reference> use : part.uses().entrySet()) {
			String value = use.getValue().text(run.request, run.raw, item);
			if (value == null) {
				return null;
			}
			values.put(use.getKey(), value);
			target.append(use.getKey()).append('=').append(value).append('&');
		}
		Context context = new Context(values, item, run.request);
		return new Call(new CallKey(provider.id(), target.toString(), scope),
				() -> expect(part,
						part.source()
							.call(context)
							.switchIfEmpty(Mono.error(() -> new CallFailure(FailureReason.BAD_PAYLOAD, 0)))));
	}

	/**
	 * The protected, collapsed call; under the part's stale-while-revalidate policy when
	 * it has one. The answer is kept as the last good value only when a fallback reads
	 * it: the part's own stale-while-revalidate policy, or an optional part's fallback
	 * chain ({@code stale-for} of its provider).
	 */
	Mono<ProtectedCalls.Served> run(Run run, PlannedPart part, Call call) {
		if (part.freshness() != null) {
			return this.calls.fresh(call.key(), call.attempt(), run.deadline, part.freshness());
		}
		// Only an optional part's fallback reads the last good value (a required one
		// fails the request instead): a required part's answer is not kept.
		return this.calls.call(call.key(), call.attempt(), run.deadline, part.idempotent(), !part.required())
			.map((value) -> new ProtectedCalls.Served(value, null, false));
	}

	/**
	 * A 2xx answer of the wrong shape fails inside the protected attempt: the breaker
	 * counts it and the last-good cache never keeps it.
	 */
	private static Mono<JsonNode> expect(PlannedPart part, Mono<JsonNode> answer) {
		PayloadShape shape = part.expect();
		return answer.handle((value, sink) -> {
			if (shape.accepts(value)) {
				sink.next(value);
			}
			else {
				sink.error(new CallFailure(FailureReason.BAD_PAYLOAD, 0));
			}
		});
	}

	/** A prepared call: its identity and one attempt. */
	record Call(CallKey key, Supplier<Mono<JsonNode>> attempt) {
	}

	private record Context(Map<String, String> values, JsonNode item,
			CompositionRequest request) implements PartContext {

		@Override
		public String value(String reference) {
			String value = this.values.get(reference);
			if (value == null) {
				throw new IllegalArgumentException(
						"reference: " + reference + " (expected: one the part declared with uses(...))");
			}
			return value;
		}

	}

}
