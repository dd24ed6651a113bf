package io.ftgo.edge.composition.internal;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import io.ftgo.edge.composition.CompositionListener;
import io.ftgo.edge.composition.CompositionRequest;
import io.ftgo.edge.composition.FailureReason;
import io.ftgo.edge.composition.ProviderClient;
import io.ftgo.edge.composition.fallback.CallKey;
import io.ftgo.edge.composition.fallback.InFlightCalls;
import io.ftgo.edge.composition.fallback.LastGoodCache;
import io.ftgo.edge.composition.policy.CallFailure;
import io.ftgo.edge.composition.policy.Deadline;
import io.ftgo.edge.composition.policy.FreshnessPolicy;
import io.ftgo.edge.composition.policy.ProviderPolicy;
import io.ftgo.edge.composition.policy.ProviderSettings;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
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

	/** Keys with a background refresh in flight (stale-while-revalidate). */
	private final ConcurrentHashMap<CallKey, Boolean> refreshing = new ConcurrentHashMap<>();

	private final CompositionListener listener;

	/**
	 * Create one policy and one last-good cache per provider, without a listener.
	 * @param providers provider settings by id
	 * @param client the transport of HTTP attempts
	 * @param scheduler timers and clock
	 * @param breakers the engine's circuit breakers
	 * @param bulkheads the engine's bulkheads
	 * @param retries the engine's retries
	 */
	public ProtectedCalls(Map<String, ProviderSettings> providers, ProviderClient client, Scheduler scheduler,
			CircuitBreakerRegistry breakers, BulkheadRegistry bulkheads, RetryRegistry retries) {
		this(providers, client, scheduler, breakers, bulkheads, retries, CompositionListener.NONE);
	}

	/**
	 * Create one policy and one last-good cache per provider.
	 * @param providers provider settings by id
	 * @param client the transport of HTTP attempts
	 * @param scheduler timers and clock
	 * @param breakers the engine's circuit breakers
	 * @param bulkheads the engine's bulkheads
	 * @param retries the engine's retries
	 * @param listener told about background refreshes
	 */
	public ProtectedCalls(Map<String, ProviderSettings> providers, ProviderClient client, Scheduler scheduler,
			CircuitBreakerRegistry breakers, BulkheadRegistry bulkheads, RetryRegistry retries,
			CompositionListener listener) {
		this.client = client;
		this.scheduler = scheduler;
		this.listener = listener;
		// The cache also holds stale-while-revalidate values, which any part may ask for:
		// kept unless max-size is 0 (LastGoodCache.get still honours stale-for).
		providers.forEach((id, settings) -> this.runtimes.put(id,
				new Runtime(settings, new ProviderPolicy(settings, scheduler, breakers, bulkheads, retries),
						(settings.cacheSize() > 0) ? new LastGoodCache(settings, scheduler) : null)));
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
		return call(key, attempt, deadline, idempotent, true);
	}

	/**
	 * The protected, collapsed call, keeping its answer as the last good value only when
	 * {@code lastGood} says a fallback reads it (an optional part of a provider with
	 * {@code stale-for}): a required part's answer is never read back, so it costs no
	 * write. When calls collapse, the answer is kept if any of their callers reads it.
	 * @param key the call identity (provider, target, identity scope)
	 * @param attempt makes one attempt
	 * @param deadline the request deadline
	 * @param idempotent whether it may be retried and collapsed
	 * @param lastGood whether a fallback of this caller reads the last good value
	 * @return the answer or a {@link CallFailure}
	 */
	public Mono<JsonNode> call(CallKey key, Supplier<Mono<JsonNode>> attempt, Deadline deadline, boolean idempotent,
			boolean lastGood) {
		Runtime runtime = this.runtimes.get(key.provider());
		return call(key, attempt, deadline, idempotent, Duration.ZERO,
				lastGood && runtime.lastGood != null && runtime.settings.keepsLastGood());
	}

	/**
	 * A call under a stale-while-revalidate policy: a value younger than
	 * {@code refresh-after} is served without a call; an older one within the grace
	 * ({@code serve-stale-for}, or {@code serve-stale-for-when-open} while the provider's
	 * breaker is not closed) is served at once while one background call per key
	 * refreshes it; otherwise the call is made as {@link #call} does (its answer kept for
	 * the policy's horizon). Idempotent calls only.
	 * @param key the call identity (provider, target, identity scope)
	 * @param attempt makes one attempt
	 * @param deadline the request deadline (of an inline call)
	 * @param freshness the policy
	 * @return the value served, with its age when it came from the cache
	 */
	public Mono<Served> fresh(CallKey key, Supplier<Mono<JsonNode>> attempt, Deadline deadline,
			FreshnessPolicy freshness) {
		Runtime runtime = this.runtimes.get(key.provider());
		return Mono.defer(() -> {
			LastGoodCache.Stamped stamped = (runtime.lastGood != null) ? runtime.lastGood.peek(key) : null;
			if (stamped != null) {
				long age = runtime.lastGood.ageNanos(stamped);
				long freshFor = freshness.refreshAfter().toNanos();
				if (age < freshFor) {
					return Mono.just(new Served(stamped.value(), Duration.ofNanos(age), false));
				}
				Duration grace = breakerClosed(runtime) ? freshness.serveStaleFor() : freshness.serveStaleForWhenOpen();
				if (age < freshFor + grace.toNanos()) {
					refresh(key, attempt, runtime, freshness);
					return Mono.just(new Served(stamped.value(), Duration.ofNanos(age), true));
				}
			}
			return call(key, attempt, deadline, true, freshness.horizon(), runtime.lastGood != null)
				.map((value) -> new Served(value, null, false));
		});
	}

	/**
	 * Background refreshes in flight now (for tests).
	 * @return the number of keys being refreshed
	 */
	public int refreshing() {
		return this.refreshing.size();
	}

	/**
	 * Starts the one background refresh of {@code key} unless one is in flight: detached
	 * from every caller (subscribed here, never cancelled by a caller going away), under
	 * the provider's breaker, bulkhead and retries, and bounded by a deadline of one
	 * provider timeout, so it cannot outlive it. A call for the same key already in
	 * flight is joined rather than repeated.
	 */
	private void refresh(CallKey key, Supplier<Mono<JsonNode>> attempt, Runtime runtime, FreshnessPolicy freshness) {
		if (this.refreshing.putIfAbsent(key, Boolean.TRUE) != null) {
			return;
		}
		String provider = key.provider();
		notifyRefresh(provider, CompositionListener.Refresh.STARTED);
		Deadline deadline = new Deadline(this.scheduler, runtime.settings.timeout());
		call(key, attempt, deadline, true, freshness.horizon(), runtime.lastGood != null)
			.doFinally((signal) -> this.refreshing.remove(key))
			.subscribe((value) -> notifyRefresh(provider, CompositionListener.Refresh.SUCCEEDED),
					(error) -> notifyRefresh(provider, CompositionListener.Refresh.FAILED));
	}

	private static boolean breakerClosed(Runtime runtime) {
		CircuitBreaker.State state = runtime.policy.circuitBreaker().getState();
		return state != CircuitBreaker.State.OPEN && state != CircuitBreaker.State.FORCED_OPEN
				&& state != CircuitBreaker.State.HALF_OPEN;
	}

	private void notifyRefresh(String provider, CompositionListener.Refresh outcome) {
		try {
			this.listener.onRefresh(provider, outcome);
		}
		catch (RuntimeException ex) {
			// A faulty listener must not fail the refresh.
		}
	}

	/**
	 * The call; {@code write} keeps its answer in the last-good cache. A caller that
	 * joins a collapsed call started by one that did not keep the answer keeps it itself
	 * (once: not when the starter already stored this very answer).
	 */
	private Mono<JsonNode> call(CallKey key, Supplier<Mono<JsonNode>> attempt, Deadline deadline, boolean idempotent,
			Duration keep, boolean write) {
		Runtime runtime = this.runtimes.get(key.provider());
		Supplier<Mono<JsonNode>> shared = () -> {
			Mono<JsonNode> mono = runtime.policy.protect(attempt, deadline, idempotent);
			return write ? mono.doOnNext((value) -> runtime.lastGood.put(key, value, keep)) : mono;
		};
		if (!idempotent) {
			return shared.get();
		}
		return this.inFlight.collapse(key, shared, (joined) -> Mono.defer(() -> {
			long left = deadline.remainingNanos();
			if (left <= 0) {
				return Mono.error(new CallFailure(FailureReason.TIMEOUT, 0));
			}
			Mono<JsonNode> answer = write
					? joined.doOnNext((value) -> runtime.lastGood.putUnlessStored(key, value, keep)) : joined;
			return answer.timeout(Duration.ofNanos(left), this.scheduler);
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

	/**
	 * A value served under a stale-while-revalidate policy.
	 *
	 * @param value the provider answer
	 * @param age its age when it came from the cache, {@code null} when just fetched
	 * @param revalidating whether it is older than {@code refresh-after} and a background
	 * refresh was asked for
	 */
	public record Served(JsonNode value, Duration age, boolean revalidating) {
	}

	/** Per-provider runtime state. */
	private record Runtime(ProviderSettings settings, ProviderPolicy policy, LastGoodCache lastGood) {
	}

}
