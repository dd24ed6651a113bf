package io.ftgo.edge.composition;

import java.time.Duration;

/**
 * One provider service, as configured under {@code edge.providers.<id>}: one circuit
 * breaker, one bulkhead, one last-good cache, all named by the provider id. Every
 * component except {@code url} may be {@code null} and then takes its default.
 *
 * <pre>
 * edge.providers:
 *   kitchen: { url: http://localhost:9082, timeout: 500ms, fallback: { stale-for: 10m } }
 * </pre>
 *
 * @param url base URL, absolute {@code http} or {@code https}; part paths are appended
 * (unused by the calls of a {@code transport: grpc} provider, whose address is
 * {@code grpc.target})
 * @param timeout per-attempt timeout, default 1s; a call gets the smaller of this and
 * what is left of the request deadline
 * @param shared {@code true} when the provider answers the same for every user: its calls
 * are collapsed and cached across identity scopes; default {@code false}
 * @param retry retries of idempotent calls (GETs)
 * @param circuitBreaker the provider's circuit breaker
 * @param bulkhead the provider's bulkhead
 * @param fallback the provider's last-good cache
 * @param freshness stale-while-revalidate for the provider's idempotent calls
 * ({@link Freshness}), or {@code null} for none
 * @param hedge hedged calls (idempotent calls only), or {@code null} for none
 * @param transport {@code http} (default) or {@code grpc}
 * @param grpc the gRPC channel and services, required with {@code transport: grpc}
 * (ignored with {@code transport: http}, so that switching transports is one key)
 * @param concurrency the provider's adaptive concurrency limit, or {@code null} for none
 * @param admissionControl client-side throttling while the provider's success rate is
 * low, or {@code null} for none
 */
public record ProviderDefinition(String url, Duration timeout, Boolean shared, RetryDefinition retry,
		CircuitBreakerDefinition circuitBreaker, BulkheadDefinition bulkhead, FallbackDefinition fallback,
		Freshness freshness, HedgeDefinition hedge, Transport transport, GrpcDefinition grpc,
		ConcurrencyDefinition concurrency, AdmissionControlDefinition admissionControl) {

	/**
	 * A gRPC provider with every other setting at its default.
	 * @param target the channel target, e.g. {@code localhost:9087}
	 * @param services the generated {@code *Grpc} classes of the services called
	 * @return the definition
	 */
	public static ProviderDefinition grpc(String target, java.util.List<String> services) {
		return new ProviderDefinition(null, null, null, null, null, null, null, null, null, Transport.GRPC,
				new GrpcDefinition(target, services, null), null, null);
	}

	/**
	 * How the edge talks to a provider ({@code transport}).
	 */
	public enum Transport {

		/** HTTP/JSON to {@code url} (the default). */
		HTTP,
		/**
		 * gRPC to {@code grpc.target}: parts and fields name a method ({@code grpc:}).
		 */
		GRPC

	}

	/**
	 * The gRPC settings of a provider with {@code transport: grpc} ({@code grpc}).
	 *
	 * @param target the channel target: {@code host:port} or a gRPC target URI such as
	 * {@code dns:///order.internal:9087}; one long-lived channel per provider
	 * @param services the generated {@code *Grpc} classes (fully qualified) of the
	 * services the edge calls, e.g.
	 * {@code net.chrisrichardson.ftgo.orderservice.grpc.OrderServiceGrpc}: their method
	 * and message descriptors drive the JSON mapping
	 * @param plaintext whether the channel is plaintext (no TLS); default {@code true}
	 */
	public record GrpcDefinition(String target, java.util.List<String> services, Boolean plaintext) {
	}

	/**
	 * A provider with every setting at its default.
	 * @param url the base URL
	 * @return the definition
	 */
	public static ProviderDefinition of(String url) {
		return new ProviderDefinition(url, null, null, null, null, null, null, null, null, null, null, null, null);
	}

	/**
	 * A copy with another timeout.
	 * @param timeout the per-attempt timeout
	 * @return the copy
	 */
	public ProviderDefinition withTimeout(Duration timeout) {
		return new ProviderDefinition(this.url, timeout, this.shared, this.retry, this.circuitBreaker, this.bulkhead,
				this.fallback, this.freshness, this.hedge, this.transport, this.grpc, this.concurrency,
				this.admissionControl);
	}

	/**
	 * A copy with another {@code shared} flag.
	 * @param shared whether answers are the same for every user
	 * @return the copy
	 */
	public ProviderDefinition withShared(boolean shared) {
		return new ProviderDefinition(this.url, this.timeout, shared, this.retry, this.circuitBreaker, this.bulkhead,
				this.fallback, this.freshness, this.hedge, this.transport, this.grpc, this.concurrency,
				this.admissionControl);
	}

	/**
	 * A copy with other retry settings.
	 * @param retry the retry settings
	 * @return the copy
	 */
	public ProviderDefinition withRetry(RetryDefinition retry) {
		return new ProviderDefinition(this.url, this.timeout, this.shared, retry, this.circuitBreaker, this.bulkhead,
				this.fallback, this.freshness, this.hedge, this.transport, this.grpc, this.concurrency,
				this.admissionControl);
	}

	/**
	 * A copy with other circuit breaker settings.
	 * @param circuitBreaker the settings
	 * @return the copy
	 */
	public ProviderDefinition withCircuitBreaker(CircuitBreakerDefinition circuitBreaker) {
		return new ProviderDefinition(this.url, this.timeout, this.shared, this.retry, circuitBreaker, this.bulkhead,
				this.fallback, this.freshness, this.hedge, this.transport, this.grpc, this.concurrency,
				this.admissionControl);
	}

	/**
	 * A copy with other bulkhead settings.
	 * @param bulkhead the settings
	 * @return the copy
	 */
	public ProviderDefinition withBulkhead(BulkheadDefinition bulkhead) {
		return new ProviderDefinition(this.url, this.timeout, this.shared, this.retry, this.circuitBreaker, bulkhead,
				this.fallback, this.freshness, this.hedge, this.transport, this.grpc, this.concurrency,
				this.admissionControl);
	}

	/**
	 * A copy with other last-good cache settings.
	 * @param fallback the settings
	 * @return the copy
	 */
	public ProviderDefinition withFallback(FallbackDefinition fallback) {
		return new ProviderDefinition(this.url, this.timeout, this.shared, this.retry, this.circuitBreaker,
				this.bulkhead, fallback, this.freshness, this.hedge, this.transport, this.grpc, this.concurrency,
				this.admissionControl);
	}

	/**
	 * A copy with another stale-while-revalidate policy.
	 * @param freshness the policy, or {@code null} for none
	 * @return the copy
	 */
	public ProviderDefinition withFreshness(Freshness freshness) {
		return new ProviderDefinition(this.url, this.timeout, this.shared, this.retry, this.circuitBreaker,
				this.bulkhead, this.fallback, freshness, this.hedge, this.transport, this.grpc, this.concurrency,
				this.admissionControl);
	}

	/**
	 * A copy with hedged calls.
	 * @param hedge the settings, or {@code null} for none
	 * @return the copy
	 */
	public ProviderDefinition withHedge(HedgeDefinition hedge) {
		return new ProviderDefinition(this.url, this.timeout, this.shared, this.retry, this.circuitBreaker,
				this.bulkhead, this.fallback, this.freshness, hedge, this.transport, this.grpc, this.concurrency,
				this.admissionControl);
	}

	/**
	 * A copy with an adaptive concurrency limit.
	 * @param concurrency the settings, or {@code null} for none
	 * @return the copy
	 */
	public ProviderDefinition withConcurrency(ConcurrencyDefinition concurrency) {
		return new ProviderDefinition(this.url, this.timeout, this.shared, this.retry, this.circuitBreaker,
				this.bulkhead, this.fallback, this.freshness, this.hedge, this.transport, this.grpc, concurrency,
				this.admissionControl);
	}

	/**
	 * A copy with admission control.
	 * @param admissionControl the settings, or {@code null} for none
	 * @return the copy
	 */
	public ProviderDefinition withAdmissionControl(AdmissionControlDefinition admissionControl) {
		return new ProviderDefinition(this.url, this.timeout, this.shared, this.retry, this.circuitBreaker,
				this.bulkhead, this.fallback, this.freshness, this.hedge, this.transport, this.grpc, this.concurrency,
				admissionControl);
	}

	/**
	 * Client-side throttling ({@code admission-control}; the SRE book's, as Envoy's
	 * admission-control filter computes it): over {@code window}, each call is refused
	 * with probability {@code min(max-rejection, max(0, (requests - k * accepts) /
	 * (requests + 1)))}. Off by default.
	 *
	 * @param enabled whether calls are throttled; default {@code false}
	 * @param k requests allowed per accepted request before any is refused, at least 1;
	 * default 2 (the SRE book's); lower is more aggressive
	 * @param window the sliding window, whole seconds from 1s to 300s; default 30s
	 * @param maxRejection the largest share refused, in (0, 1]; default 0.8 (some calls
	 * always reach the provider, to see it recover)
	 */
	public record AdmissionControlDefinition(Boolean enabled, Double k, Duration window, Double maxRejection) {
	}

	/**
	 * The provider's adaptive concurrency limit ({@code concurrency}), from Netflix
	 * concurrency-limits, on its calls in flight, below the bulkhead: a call over it is
	 * not sent and fails at once with {@code concurrency-limit}. Calls are put in the
	 * priority partition of their request (the BFF-wide limit's partition,
	 * {@code edge.concurrency}); at the limit, each partition is admitted only within its
	 * share, so low-priority traffic gives way first here too.
	 *
	 * @param enabled whether calls are limited; default {@code false}
	 * @param algorithm {@code gradient2} (default), {@code vegas} or {@code fixed}
	 * @param initialLimit the limit at start-up; default 20 (at most the max)
	 * @param minLimit the adaptive limit never goes below; default 4
	 * @param maxLimit the adaptive limit never goes above; default the bulkhead's
	 * {@code max-concurrent-calls}
	 * @param partitions priority name to the percentage of the limit it is guaranteed at
	 * the limit (sum 100); none: no partitions, first come first served
	 * @param retryAfter the {@code Retry-After} of a 503 it causes; default 1s
	 * @param warmUp how long after start the limit is {@code initial-limit}, fixed, and
	 * the algorithm is told no sample (a cold edge's slow answers are not queueing at the
	 * provider); 0s to 1h, default 30s, 0s: none
	 * @param sampleWindow the shortest window of latency samples the algorithm reads (it
	 * reads the window's median); 100ms to 60s, default 1s
	 * @param tolerance gradient2: how much slower than its long-term latency the provider
	 * may answer before the limit falls; 1.0 to 10.0, default 1.5 (the library's)
	 * @param queueSize gradient2: how many calls the limit keeps above what the provider
	 * serves without queueing (how far it probes upwards per window); 1 to 1000, default
	 * 4 (the library's)
	 * @param smoothing gradient2: how much of each window's new estimate the limit takes,
	 * above 0 to 1.0 (1.0: all of it, so the limit may halve in one window); default 0.2
	 * (the library's)
	 */
	public record ConcurrencyDefinition(Boolean enabled, String algorithm, Integer initialLimit, Integer minLimit,
			Integer maxLimit, java.util.Map<String, Integer> partitions, Duration retryAfter, Duration warmUp,
			Duration sampleWindow, Double tolerance, Integer queueSize, Double smoothing) {

		/**
		 * An enabled limit with defaults and a fixed limit (tests, capacity experiments).
		 * @param limit the limit
		 * @return the definition
		 */
		public static ConcurrencyDefinition fixed(int limit) {
			return new ConcurrencyDefinition(true, "fixed", limit, 1, Math.max(limit, 1), null, null, null, null, null,
					null, null);
		}

		/**
		 * An enabled adaptive limit with every other setting its default.
		 * @param algorithm {@code gradient2} or {@code vegas}
		 * @return the definition
		 */
		public static ConcurrencyDefinition adaptive(String algorithm) {
			return new ConcurrencyDefinition(true, algorithm, null, null, null, null, null, null, null, null, null,
					null);
		}

		/**
		 * A copy with limits.
		 * @param initial the initial limit
		 * @param min the smallest limit
		 * @param max the largest limit
		 * @return the copy
		 */
		public ConcurrencyDefinition withLimits(Integer initial, Integer min, Integer max) {
			return new ConcurrencyDefinition(this.enabled, this.algorithm, initial, min, max, this.partitions,
					this.retryAfter, this.warmUp, this.sampleWindow, this.tolerance, this.queueSize, this.smoothing);
		}

		/**
		 * A copy with a warm-up.
		 * @param warmUp the warm-up (0s: none)
		 * @return the copy
		 */
		public ConcurrencyDefinition withWarmUp(Duration warmUp) {
			return new ConcurrencyDefinition(this.enabled, this.algorithm, this.initialLimit, this.minLimit,
					this.maxLimit, this.partitions, this.retryAfter, warmUp, this.sampleWindow, this.tolerance,
					this.queueSize, this.smoothing);
		}

		/**
		 * A copy with gradient2's tuning.
		 * @param sampleWindow the shortest sample window
		 * @param tolerance the latency tolerance
		 * @param queueSize the queue size
		 * @param smoothing the smoothing
		 * @return the copy
		 */
		public ConcurrencyDefinition withTuning(Duration sampleWindow, Double tolerance, Integer queueSize,
				Double smoothing) {
			return new ConcurrencyDefinition(this.enabled, this.algorithm, this.initialLimit, this.minLimit,
					this.maxLimit, this.partitions, this.retryAfter, this.warmUp, sampleWindow, tolerance, queueSize,
					smoothing);
		}

		/**
		 * A copy with priority partitions.
		 * @param partitions name to percentage (sum 100)
		 * @return the copy
		 */
		public ConcurrencyDefinition withPartitions(java.util.Map<String, Integer> partitions) {
			return new ConcurrencyDefinition(this.enabled, this.algorithm, this.initialLimit, this.minLimit,
					this.maxLimit, partitions, this.retryAfter, this.warmUp, this.sampleWindow, this.tolerance,
					this.queueSize, this.smoothing);
		}

	}

	/**
	 * Retries of idempotent calls ({@code retry}). Only timeouts, connection failures and
	 * 5xx answers are retried, with exponential backoff and jitter, and never past the
	 * request deadline. Non-idempotent calls are never retried.
	 *
	 * @param maxAttempts attempts including the first, at least 1 (no retry); default 2
	 * @param backoff the first backoff, doubled per retry; default 50ms
	 * @param jitter random spread of each backoff, 0 to 1; default 0.5
	 * @param budget the provider's retry budget, shared by retries and hedges across
	 * requests; default on with its defaults
	 */
	public record RetryDefinition(Integer maxAttempts, Duration backoff, Double jitter, RetryBudgetDefinition budget) {
		// One constructor only: configuration binds records through it.
	}

	/**
	 * The provider's retry budget ({@code retry.budget}), shared by its retries and its
	 * hedges, across requests and kinds of call: a retry or hedge the budget refuses is
	 * not sent, and the call fails or degrades with its real failure, saying
	 * {@code retryRefused}. Both limits apply:
	 * <ul>
	 * <li>a rate (Finagle's): retries and hedges within the last {@code window} at most
	 * {@code ratio} &times; calls within it + {@code min-per-second} &times; the window
	 * in seconds;</li>
	 * <li>in flight (Envoy's): retries and hedges in flight at most
	 * {@code max(min-in-flight, in-flight-ratio &times; calls in flight)}.</li>
	 * </ul>
	 *
	 * @param enabled {@code false} to retry and hedge without a budget; default true
	 * @param ratio retries per call, in [0, 1]; default 0.2
	 * @param minPerSecond retries per second always allowed, at least 0; default 10
	 * @param window the sliding window, whole seconds from 1s to 60s; default 10s
	 * @param inFlightRatio retries in flight per call in flight, in [0, 1]; default 0.2
	 * @param minInFlight retries in flight always allowed, at least 0; default 3
	 */
	public record RetryBudgetDefinition(Boolean enabled, Double ratio, Double minPerSecond, Duration window,
			Double inFlightRatio, Integer minInFlight) {
	}

	/**
	 * The provider's circuit breaker ({@code circuit-breaker}). It records timeouts,
	 * connection failures, 5xx answers and bad payloads; 4xx answers (including 404) are
	 * ignored.
	 *
	 * @param failureRateThreshold percentage of failed calls that opens it; default 50
	 * @param slidingWindowSize calls in the count-based window; default 20
	 * @param minimumNumberOfCalls calls before the rate is computed; default 10
	 * @param waitInOpenState how long it stays open before trying again; default 30s
	 * @param permittedCallsInHalfOpenState trial calls when half open; default 3
	 */
	public record CircuitBreakerDefinition(Float failureRateThreshold, Integer slidingWindowSize,
			Integer minimumNumberOfCalls, Duration waitInOpenState, Integer permittedCallsInHalfOpenState) {
	}

	/**
	 * The provider's bulkhead ({@code bulkhead}): calls beyond the limit fail at once
	 * with {@code bulkhead-full}, never wait.
	 *
	 * @param maxConcurrentCalls calls in flight at once; default 64
	 */
	public record BulkheadDefinition(Integer maxConcurrentCalls) {
	}

	/**
	 * The provider's last-good cache ({@code fallback}), used by optional parts whose
	 * call fails.
	 *
	 * @param staleFor how old a last good value may be and still be served; default 1m;
	 * {@code 0s} disables the cache
	 * @param maxSize entries kept (per provider); default 10000
	 */
	public record FallbackDefinition(Duration staleFor, Long maxSize) {
	}

	/**
	 * Hedged calls ({@code hedge}), for idempotent calls (GETs) only: when the first
	 * attempt has not answered after {@code after}, the same call is sent again (at most
	 * {@code max-extra} more, one {@code after} apart); the first answer wins and the
	 * others are cancelled (their connections closed). Each call deposits {@code budget}
	 * tokens in a bucket (at most 10 tokens) and each hedge takes one, so hedges are
	 * never more than that fraction of the calls (plus a burst of 10).
	 *
	 * @param after the delay before a hedge: a duration ({@code 80ms}, {@code 1s},
	 * ISO-8601) or a percentile of the provider's recent latency ({@code p95},
	 * {@code p99.9})
	 * @param floor the smallest delay when {@code after} is a percentile; default 20ms
	 * @param maxExtra hedges per call, 1 or 2; default 1
	 * @param budget hedges as a fraction of calls, in (0, 1]; default 0.05
	 */
	public record HedgeDefinition(String after, Duration floor, Integer maxExtra, Double budget) {

		/**
		 * Hedge after a fixed delay, with the default budget and one hedge.
		 * @param after the delay
		 * @return the definition
		 */
		public static HedgeDefinition after(Duration after) {
			return new HedgeDefinition(after.toMillis() + "ms", null, null, null);
		}

		/**
		 * Hedge after a percentile of the provider's recent latency, never before
		 * {@code floor}, with the default budget and one hedge.
		 * @param percentile e.g. 95
		 * @param floor the smallest delay
		 * @return the definition
		 */
		public static HedgeDefinition percentile(double percentile, Duration floor) {
			String p = (percentile == Math.rint(percentile)) ? Long.toString((long) percentile)
					: Double.toString(percentile);
			return new HedgeDefinition("p" + p, floor, null, null);
		}

		/**
		 * A copy with another number of hedges per call.
		 * @param maxExtra 1 or 2
		 * @return the copy
		 */
		public HedgeDefinition withMaxExtra(int maxExtra) {
			return new HedgeDefinition(this.after, this.floor, maxExtra, this.budget);
		}

		/**
		 * A copy with another budget.
		 * @param budget hedges as a fraction of calls, in (0, 1]
		 * @return the copy
		 */
		public HedgeDefinition withBudget(double budget) {
			return new HedgeDefinition(this.after, this.floor, this.maxExtra, budget);
		}

	}

}
