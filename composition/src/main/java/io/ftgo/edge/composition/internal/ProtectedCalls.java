package io.ftgo.edge.composition.internal;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

import io.ftgo.edge.composition.CompositionRequest;
import io.ftgo.edge.composition.FailureReason;
import io.ftgo.edge.composition.ProviderClient;
import io.ftgo.edge.composition.fallback.CallKey;
import io.ftgo.edge.composition.fallback.InFlightCalls;
import io.ftgo.edge.composition.fallback.LastGoodCache;
import io.ftgo.edge.composition.policy.CallFailure;
import io.ftgo.edge.composition.policy.Deadline;
import io.ftgo.edge.composition.policy.ProviderPolicy;
import io.ftgo.edge.composition.policy.ProviderSettings;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.retry.RetryRegistry;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import tools.jackson.databind.JsonNode;

/**
 * One protected call (internal), for composed parts and {@code ProviderCalls} alike: the
 * provider's policy under the request deadline, collapsed with identical idempotent calls
 * in flight (a joiner waits only as long as its own deadline), and the last good value
 * stored on success. HTTP attempts go through the {@link ProviderClient}.
 */
public final class ProtectedCalls {

	private final Map<String, Runtime> runtimes = new LinkedHashMap<>();

	private final InFlightCalls inFlight = new InFlightCalls();

	private final ProviderClient client;

	private final Scheduler scheduler;

	/**
	 * Create one policy and one last-good cache per provider.
	 * @param providers provider settings by id
	 * @param client the transport of HTTP attempts
	 * @param scheduler timers and clock
	 * @param breakers the engine's circuit breakers
	 * @param bulkheads the engine's bulkheads
	 * @param retries the engine's retries
	 */
	public ProtectedCalls(Map<String, ProviderSettings> providers, ProviderClient client, Scheduler scheduler,
			CircuitBreakerRegistry breakers, BulkheadRegistry bulkheads, RetryRegistry retries) {
		this.client = client;
		this.scheduler = scheduler;
		providers.forEach((id, settings) -> this.runtimes.put(id,
				new Runtime(settings, new ProviderPolicy(settings, scheduler, breakers, bulkheads, retries),
						settings.keepsLastGood() ? new LastGoodCache(settings, scheduler) : null)));
	}

	/**
	 * The policy of a provider.
	 * @param provider the provider id
	 * @return the policy or {@code null}
	 */
	public ProviderPolicy policy(String provider) {
		Runtime runtime = this.runtimes.get(provider);
		return (runtime != null) ? runtime.policy : null;
	}

	/**
	 * The last-good cache of a provider.
	 * @param provider the provider id
	 * @return the cache, or {@code null} when the provider keeps none
	 */
	public LastGoodCache lastGood(String provider) {
		Runtime runtime = this.runtimes.get(provider);
		return (runtime != null) ? runtime.lastGood : null;
	}

	/**
	 * Calls in flight now, across requests.
	 * @return the number of distinct shared calls
	 */
	public int inFlight() {
		return this.inFlight.size();
	}

	/**
	 * The engine's clock.
	 * @return the scheduler
	 */
	public Scheduler scheduler() {
		return this.scheduler;
	}

	/**
	 * The protected, collapsed call.
	 * @param key the call identity (provider, target, identity scope)
	 * @param attempt makes one attempt
	 * @param deadline the request deadline
	 * @param idempotent whether it may be retried and collapsed
	 * @return the answer or a {@link CallFailure}
	 */
	public Mono<JsonNode> call(CallKey key, Supplier<Mono<JsonNode>> attempt, Deadline deadline, boolean idempotent) {
		Runtime runtime = this.runtimes.get(key.provider());
		Supplier<Mono<JsonNode>> shared = () -> {
			Mono<JsonNode> mono = runtime.policy.protect(attempt, deadline, idempotent);
			return (runtime.lastGood != null) ? mono.doOnNext((value) -> runtime.lastGood.put(key, value)) : mono;
		};
		if (!idempotent) {
			return shared.get();
		}
		return this.inFlight.collapse(key, shared, (joined) -> Mono.defer(() -> {
			long left = deadline.remainingNanos();
			if (left <= 0) {
				return Mono.error(new CallFailure(FailureReason.TIMEOUT, 0));
			}
			return joined.timeout(Duration.ofNanos(left), this.scheduler);
		}));
	}

	/**
	 * One HTTP attempt on a provider: a GET when {@code body} is {@code null}, else a
	 * POST of it as JSON. A status of 400 or more fails with that status; no body is a
	 * {@code bad-payload} failure.
	 * @param provider the provider id
	 * @param path the expanded path and query
	 * @param body the JSON body of a POST, or {@code null} for a GET
	 * @param headers headers to send
	 * @return the parsed answer
	 */
	public Mono<JsonNode> http(String provider, String path, JsonNode body, Map<String, String> headers) {
		ProviderSettings settings = this.runtimes.get(provider).settings;
		ProviderClient.Request request = new ProviderClient.Request(provider, settings.url(),
				(body != null) ? "POST" : "GET", path, headers, body);
		return this.client.exchange(request).<JsonNode>handle((response, sink) -> {
			if (response.status() >= 400) {
				sink.error(new CallFailure(FailureReason.HTTP_STATUS, response.status()));
			}
			else if (response.body() == null) {
				sink.error(new CallFailure(FailureReason.BAD_PAYLOAD, 0));
			}
			else {
				sink.next(response.body());
			}
		}).switchIfEmpty(Mono.error(() -> new CallFailure(FailureReason.BAD_PAYLOAD, 0)));
	}

	/**
	 * The identity scope of a request's calls (collapsing and the last-good cache),
	 * fail-safe: without an explicit one, a request that carries credentials or principal
	 * attributes is scoped by them (never shared with another user); only a request with
	 * none of these is anonymous.
	 * @param request the request
	 * @return the scope
	 */
	public static String scope(CompositionRequest request) {
		if (request.identityScope() != null) {
			return "scope:" + request.identityScope();
		}
		for (Map.Entry<String, String> header : request.headers().entrySet()) {
			if ("Authorization".equalsIgnoreCase(header.getKey())) {
				return "authorization:" + header.getValue();
			}
		}
		return request.principal().isEmpty() ? "" : "principal:" + request.principal();
	}

	/** Per-provider runtime state. */
	private record Runtime(ProviderSettings settings, ProviderPolicy policy, LastGoodCache lastGood) {
	}

}
