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
 */
public record ProviderDefinition(String url, Duration timeout, Boolean shared, RetryDefinition retry,
		CircuitBreakerDefinition circuitBreaker, BulkheadDefinition bulkhead, FallbackDefinition fallback,
		Freshness freshness) {

	/**
	 * A provider with every setting at its default.
	 * @param url the base URL
	 * @return the definition
	 */
	public static ProviderDefinition of(String url) {
		return new ProviderDefinition(url, null, null, null, null, null, null, null);
	}

	/**
	 * A copy with another timeout.
	 * @param timeout the per-attempt timeout
	 * @return the copy
	 */
	public ProviderDefinition withTimeout(Duration timeout) {
		return new ProviderDefinition(this.url, timeout, this.shared, this.retry, this.circuitBreaker, this.bulkhead,
				this.fallback, this.freshness);
	}

	/**
	 * A copy with another {@code shared} flag.
	 * @param shared whether answers are the same for every user
	 * @return the copy
	 */
	public ProviderDefinition withShared(boolean shared) {
		return new ProviderDefinition(this.url, this.timeout, shared, this.retry, this.circuitBreaker, this.bulkhead,
				this.fallback, this.freshness);
	}

	/**
	 * A copy with other retry settings.
	 * @param retry the retry settings
	 * @return the copy
	 */
	public ProviderDefinition withRetry(RetryDefinition retry) {
		return new ProviderDefinition(this.url, this.timeout, this.shared, retry, this.circuitBreaker, this.bulkhead,
				this.fallback, this.freshness);
	}

	/**
	 * A copy with other circuit breaker settings.
	 * @param circuitBreaker the settings
	 * @return the copy
	 */
	public ProviderDefinition withCircuitBreaker(CircuitBreakerDefinition circuitBreaker) {
		return new ProviderDefinition(this.url, this.timeout, this.shared, this.retry, circuitBreaker, this.bulkhead,
				this.fallback, this.freshness);
	}

	/**
	 * A copy with other bulkhead settings.
	 * @param bulkhead the settings
	 * @return the copy
	 */
	public ProviderDefinition withBulkhead(BulkheadDefinition bulkhead) {
		return new ProviderDefinition(this.url, this.timeout, this.shared, this.retry, this.circuitBreaker, bulkhead,
				this.fallback, this.freshness);
	}

	/**
	 * A copy with other last-good cache settings.
	 * @param fallback the settings
	 * @return the copy
	 */
	public ProviderDefinition withFallback(FallbackDefinition fallback) {
		return new ProviderDefinition(this.url, this.timeout, this.shared, this.retry, this.circuitBreaker,
				this.bulkhead, fallback, this.freshness);
	}

	/**
	 * A copy with another stale-while-revalidate policy.
	 * @param freshness the policy, or {@code null} for none
	 * @return the copy
	 */
	public ProviderDefinition withFreshness(Freshness freshness) {
		return new ProviderDefinition(this.url, this.timeout, this.shared, this.retry, this.circuitBreaker,
				this.bulkhead, this.fallback, freshness);
	}

	/**
	 * Retries of idempotent calls ({@code retry}). Only timeouts, connection failures and
	 * 5xx answers are retried, with exponential backoff and jitter, and never past the
	 * request deadline. Non-idempotent calls are never retried.
	 *
	 * @param maxAttempts attempts including the first, at least 1 (no retry); default 2
	 * @param backoff the first backoff, doubled per retry; default 50ms
	 * @param jitter random spread of each backoff, 0 to 1; default 0.5
	 */
	public record RetryDefinition(Integer maxAttempts, Duration backoff, Double jitter) {
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

}
