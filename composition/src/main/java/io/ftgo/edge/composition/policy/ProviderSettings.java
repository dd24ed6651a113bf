package io.ftgo.edge.composition.policy;

import java.net.URI;
import java.time.Duration;

import io.ftgo.edge.composition.Freshness;
import io.ftgo.edge.composition.ProviderDefinition;

/**
 * Validated provider settings with defaults applied (internal).
 *
 * @param id the provider id
 * @param url the base URL without a trailing slash, or {@code null} for source-only
 * providers
 * @param timeout the per-attempt timeout
 * @param shared whether answers are the same for every identity scope
 * @param maxAttempts attempts of idempotent calls, including the first
 * @param backoff the first retry backoff
 * @param jitter the retry jitter factor
 * @param failureRateThreshold circuit breaker failure rate threshold
 * @param slidingWindowSize circuit breaker window
 * @param minimumNumberOfCalls circuit breaker minimum calls
 * @param waitInOpenState circuit breaker open duration
 * @param permittedCallsInHalfOpenState circuit breaker trial calls
 * @param maxConcurrentCalls bulkhead limit
 * @param staleFor last-good maximum age, zero when disabled
 * @param cacheSize last-good maximum entries
 * @param freshness the provider's stale-while-revalidate policy as configured
 * (validated), or {@code null}; parts merge their own over it
 */
public record ProviderSettings(String id, String url, Duration timeout, boolean shared, int maxAttempts,
		Duration backoff, double jitter, float failureRateThreshold, int slidingWindowSize, int minimumNumberOfCalls,
		Duration waitInOpenState, int permittedCallsInHalfOpenState, int maxConcurrentCalls, Duration staleFor,
		long cacheSize, Freshness freshness) {

	/**
	 * Validates a definition and applies defaults.
	 * @param id the provider id
	 * @param d the definition
	 * @return the settings
	 * @throws IllegalArgumentException naming the key, the value and the expectation
	 */
	public static ProviderSettings from(String id, ProviderDefinition d) {
		String key = "edge.providers." + id;
		if (d == null) {
			throw new IllegalArgumentException(key + ": null (expected: a provider definition with a url)");
		}
		String url = null;
		if (d.url() != null) {
			URI uri;
			try {
				uri = URI.create(d.url());
			}
			catch (IllegalArgumentException ex) {
				throw new IllegalArgumentException(key + ".url: " + d.url() + " (expected: an absolute http(s) URL)");
			}
			if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
				throw new IllegalArgumentException(key + ".url: " + d.url() + " (expected: an absolute http(s) URL)");
			}
			url = d.url().endsWith("/") ? d.url().substring(0, d.url().length() - 1) : d.url();
		}
		Duration timeout = positive(key + ".timeout", d.timeout(), Duration.ofSeconds(1));
		ProviderDefinition.RetryDefinition r = d.retry();
		int maxAttempts = atLeast(key + ".retry.max-attempts", (r != null) ? r.maxAttempts() : null, 2, 1);
		Duration backoff = positive(key + ".retry.backoff", (r != null) ? r.backoff() : null, Duration.ofMillis(50));
		double jitter = (r != null && r.jitter() != null) ? r.jitter() : 0.5;
		if (jitter < 0 || jitter > 1) {
			throw new IllegalArgumentException(key + ".retry.jitter: " + jitter + " (expected: >= 0 and <= 1)");
		}
		ProviderDefinition.CircuitBreakerDefinition cb = d.circuitBreaker();
		float rate = (cb != null && cb.failureRateThreshold() != null) ? cb.failureRateThreshold() : 50f;
		if (rate <= 0 || rate > 100) {
			throw new IllegalArgumentException(
					key + ".circuit-breaker.failure-rate-threshold: " + rate + " (expected: > 0 and <= 100)");
		}
		int window = atLeast(key + ".circuit-breaker.sliding-window-size", (cb != null) ? cb.slidingWindowSize() : null,
				20, 1);
		int minCalls = atLeast(key + ".circuit-breaker.minimum-number-of-calls",
				(cb != null) ? cb.minimumNumberOfCalls() : null, Math.min(10, window), 1);
		Duration waitOpen = positive(key + ".circuit-breaker.wait-in-open-state",
				(cb != null) ? cb.waitInOpenState() : null, Duration.ofSeconds(30));
		int halfOpen = atLeast(key + ".circuit-breaker.permitted-calls-in-half-open-state",
				(cb != null) ? cb.permittedCallsInHalfOpenState() : null, 3, 1);
		int maxConcurrent = atLeast(key + ".bulkhead.max-concurrent-calls",
				(d.bulkhead() != null) ? d.bulkhead().maxConcurrentCalls() : null, 64, 1);
		ProviderDefinition.FallbackDefinition f = d.fallback();
		Duration staleFor = (f != null && f.staleFor() != null) ? f.staleFor() : Duration.ofMinutes(1);
		if (staleFor.isNegative()) {
			throw new IllegalArgumentException(key + ".fallback.stale-for: " + staleFor + " (expected: >= 0)");
		}
		long size = (f != null && f.maxSize() != null) ? f.maxSize() : 10_000L;
		if (size < 0) {
			throw new IllegalArgumentException(key + ".fallback.max-size: " + size + " (expected: >= 0)");
		}
		FreshnessPolicy.of(key + ".freshness", d.freshness());
		if (d.freshness() != null && size == 0) {
			throw new IllegalArgumentException(key + ".fallback.max-size: 0 (expected: > 0 with freshness; fix: "
					+ "remove " + key + ".freshness or allow entries)");
		}
		return new ProviderSettings(id, url, timeout, Boolean.TRUE.equals(d.shared()), maxAttempts, backoff, jitter,
				rate, window, minCalls, waitOpen, halfOpen, maxConcurrent, staleFor, size, d.freshness());
	}

	/**
	 * Whether a last good value is kept for this provider.
	 * @return {@code true} unless disabled
	 */
	public boolean keepsLastGood() {
		return !this.staleFor.isZero() && this.cacheSize > 0;
	}

	private static Duration positive(String key, Duration value, Duration fallback) {
		if (value == null) {
			return fallback;
		}
		if (value.isNegative() || value.isZero()) {
			throw new IllegalArgumentException(key + ": " + value + " (expected: > 0)");
		}
		return value;
	}

	private static int atLeast(String key, Integer value, int fallback, int min) {
		if (value == null) {
			return fallback;
		}
		if (value < min) {
			throw new IllegalArgumentException(key + ": " + value + " (expected: >= " + min + ")");
		}
		return value;
	}

}
