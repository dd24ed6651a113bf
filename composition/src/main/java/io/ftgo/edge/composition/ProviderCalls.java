package io.ftgo.edge.composition;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import io.ftgo.edge.composition.fallback.CallKey;
import io.ftgo.edge.composition.internal.Fallbacks;
import io.ftgo.edge.composition.internal.ProtectedCalls;
import io.ftgo.edge.composition.policy.CallFailure;
import io.ftgo.edge.composition.policy.Deadline;
import io.ftgo.edge.composition.policy.Failures;
import io.ftgo.edge.composition.policy.HedgeMark;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * Single provider calls made on behalf of one client request, outside a planned
 * composition: for callers that decide their calls at run time (the GraphQL layer of
 * {@code gateway-core} resolves each field with one). Every call gets what a composed
 * part gets:
 * <ul>
 * <li>the request's one deadline (each attempt gets the smaller of the provider's timeout
 * and what is left);</li>
 * <li>the provider's circuit breaker and bulkhead, retries only for idempotent calls
 * (GETs);</li>
 * <li>collapsing with identical idempotent calls in flight, in this request and in
 * concurrent ones, within the request's identity scope (any scope for {@code shared}
 * providers);</li>
 * <li>for optional calls, the fallback chain: last good value (stale) &rarr; the given
 * default &rarr; omitted ({@code null} value);</li>
 * </ul>
 * and, per request, identical calls are made once: a second {@link #get} of the same
 * provider and path returns the first one's outcome (per-request deduplication, the
 * DataLoader guarantee). At most {@code maxCalls} distinct provider calls are started;
 * beyond that a call fails with {@link BudgetExceeded} without reaching the provider.
 *
 * <p>
 * A required call that fails errors with a {@link CompositionException} whose kind maps
 * to 404, 502, 503 or 504 exactly as for a required part. Obtain one per request from
 * {@link CompositionEngine#calls(CompositionRequest, Duration, int)}. Thread-safe.
 */
public final class ProviderCalls {

	private final ProtectedCalls protectedCalls;

	private final ProviderRegistry providers;

	private final CompositionRequest request;

	private final Deadline deadline;

	private final String scope;

	private final int maxCalls;

	private final AtomicInteger calls = new AtomicInteger();

	private final Map<String, Mono<Raw>> made = new ConcurrentHashMap<>();

	ProviderCalls(ProtectedCalls protectedCalls, ProviderRegistry providers, CompositionRequest request,
			Duration deadline, int maxCalls) {
		this.protectedCalls = protectedCalls;
		this.providers = providers;
		this.request = request;
		this.deadline = new Deadline(protectedCalls.scheduler(), deadline);
		this.scope = ProtectedCalls.scope(request);
		this.maxCalls = maxCalls;
	}

	/**
	 * An idempotent GET of {@code path} on {@code provider}, made once per request.
	 * @param provider the provider id
	 * @param path the expanded path and query, e.g. {@code /orders/7001}
	 * @param required whether a failure fails the call ({@link CompositionException})
	 * instead of walking the fallback chain
	 * @param defaultValue the static default of an optional call, or {@code null}
	 * @return the outcome; never empty
	 */
	public Mono<Outcome> get(String provider, String path, boolean required, JsonNode defaultValue) {
		check(provider);
		return call(provider, path, () -> this.protectedCalls.http(provider, path, null, this.request.headers()), true,
				required, defaultValue);
	}

	/**
	 * Any call ({@code attempt} makes one attempt, e.g. a client of a non-HTTP provider),
	 * protected and chained like {@link #get}. An idempotent call is made once per
	 * {@code target} and request, retried and collapsed; a non-idempotent one is made
	 * every time it is asked for, exactly once.
	 * @param provider the provider id
	 * @param target what the call reads: its identity for collapsing, deduplication and
	 * the last-good cache (e.g. a path)
	 * @param attempt makes one attempt
	 * @param idempotent whether it may be retried, collapsed and deduplicated
	 * @param required whether a failure errors instead of walking the fallback chain
	 * @param defaultValue the static default of an optional call, or {@code null}
	 * @return the outcome
	 */
	public Mono<Outcome> call(String provider, String target, Supplier<Mono<JsonNode>> attempt, boolean idempotent,
			boolean required, JsonNode defaultValue) {
		check(provider);
		if (!idempotent) {
			return start(provider, target, attempt, false)
				.flatMap((raw) -> outcome(provider, raw, required, defaultValue));
		}
		// One call per provider and target and request, whoever asks (required or not).
		return this.made.computeIfAbsent(provider + " " + target, (k) -> start(provider, target, attempt, true).cache())
			.flatMap((raw) -> outcome(provider, raw, required, defaultValue));
	}

	/**
	 * A POST of {@code body} (JSON) to {@code path} on {@code provider}: required, never
	 * retried, never collapsed, never deduplicated.
	 * @param provider the provider id
	 * @param path the expanded path
	 * @param body the JSON body
	 * @return the outcome, or a {@link CompositionException}
	 */
	public Mono<Outcome> post(String provider, String path, JsonNode body) {
		check(provider);
		JsonNode json = (body != null) ? body : tools.jackson.databind.node.JsonNodeFactory.instance.objectNode();
		return call(provider, "POST " + path,
				() -> this.protectedCalls.http(provider, path, json, this.request.headers()), false, true, null);
	}

	/**
	 * Distinct provider calls started so far (deduplicated gets count once).
	 * @return the number of calls
	 */
	public int calls() {
		return this.calls.get();
	}

	/**
	 * Time left before the request's deadline.
	 * @return the time left, possibly negative
	 */
	public Duration remaining() {
		return Duration.ofNanos(this.deadline.remainingNanos());
	}

	private void check(String provider) {
		if (!this.providers.names().contains(provider)) {
			throw new IllegalArgumentException(
					"provider: " + provider + " (expected: one of " + this.providers.names() + ")");
		}
	}

	private Mono<Raw> start(String provider, String target, Supplier<Mono<JsonNode>> attempt, boolean idempotent) {
		return Mono.defer(() -> {
			if (this.maxCalls > 0 && this.calls.incrementAndGet() > this.maxCalls) {
				return Mono.error(new BudgetExceeded(this.maxCalls));
			}
			if (this.maxCalls <= 0) {
				this.calls.incrementAndGet();
			}
			boolean shared = this.providers.settings().get(provider).shared();
			CallKey key = new CallKey(provider, target, shared ? "" : this.scope);
			long started = now();
			HedgeMark mark = new HedgeMark();
			return this.protectedCalls.call(key, attempt, this.deadline, idempotent)
				.map((value) -> new Raw(key, value, null, since(started), mark.hedged(), mark.retryRefused()))
				.onErrorResume((error) -> Mono
					.just(new Raw(key, null, Failures.classify(error), since(started), false, mark.retryRefused())))
				.contextWrite((context) -> context.put(HedgeMark.class, mark));
		});
	}

	private Mono<Outcome> outcome(String provider, Raw raw, boolean required, JsonNode defaultValue) {
		if (raw.failure() == null) {
			return Mono.just(new Outcome(raw.value(), new PartMetadata(PartStatus.FRESH, null, null, null, raw.took(),
					0, 0, raw.hedged(), raw.retryRefused())));
		}
		return failed(provider, raw.key(), raw.failure(), required, defaultValue, raw.took())
			.map((outcome) -> raw.retryRefused()
					? new Outcome(outcome.value(), outcome.metadata().withRetryRefused(true)) : outcome);
	}

	private Mono<Outcome> failed(String provider, CallKey key, CallFailure failure, boolean required,
			JsonNode defaultValue, Duration took) {
		if (required) {
			return Mono.error(CompositionException.requiredCallFailed("calls", null, provider, failure.reason(),
					failure.httpStatus()));
		}
		Fallbacks.Fallback fallback = Fallbacks.fallback(this.protectedCalls.lastGood(provider), key, failure,
				defaultValue, took);
		return Mono.just(new Outcome(fallback.value(), fallback.metadata()));
	}

	private long now() {
		return this.protectedCalls.scheduler().now(TimeUnit.NANOSECONDS);
	}

	private Duration since(long started) {
		return Duration.ofNanos(now() - started);
	}

	/** One call's result, shared by everyone in the request who asks for it. */
	private record Raw(CallKey key, JsonNode value, CallFailure failure, Duration took, boolean hedged,
			boolean retryRefused) {
	}

	/**
	 * The outcome of one call.
	 *
	 * @param value the provider's answer (fresh or stale), the default, or {@code null}
	 * when omitted
	 * @param metadata what happened, in the vocabulary of a composed part
	 */
	public record Outcome(JsonNode value, PartMetadata metadata) {
	}

	/**
	 * The request's provider-call budget is spent: the call was not made.
	 */
	public static final class BudgetExceeded extends RuntimeException {

		private final int budget;

		/**
		 * Create the failure.
		 * @param budget the budget that was spent
		 */
		public BudgetExceeded(int budget) {
			super("provider-call budget of " + budget + " calls spent", null, false, false);
			this.budget = budget;
		}

		/**
		 * The budget.
		 * @return calls allowed per request
		 */
		public int budget() {
			return this.budget;
		}

	}

}
