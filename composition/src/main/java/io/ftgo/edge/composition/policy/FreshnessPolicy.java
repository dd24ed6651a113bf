package io.ftgo.edge.composition.policy;

import java.time.Duration;

import io.ftgo.edge.composition.Freshness;

/**
 * A validated stale-while-revalidate policy with defaults applied (internal; see
 * {@link Freshness}).
 *
 * @param refreshAfter the fresh window: served from the cache without a call
 * @param serveStaleFor the grace after it while the breaker is closed
 * @param serveStaleForWhenOpen the grace while the breaker is open or half open
 */
public record FreshnessPolicy(Duration refreshAfter, Duration serveStaleFor, Duration serveStaleForWhenOpen) {

	/**
	 * Validates a policy and applies defaults.
	 * @param key the configuration key of the {@code freshness} block
	 * @param freshness the policy, or {@code null}
	 * @return the policy, or {@code null} when none is configured
	 * @throws IllegalArgumentException naming the key, the value and the expectation
	 */
	public static FreshnessPolicy of(String key, Freshness freshness) {
		if (freshness == null) {
			return null;
		}
		if (freshness.refreshAfter() == null || freshness.refreshAfter().isNegative()
				|| freshness.refreshAfter().isZero()) {
			throw new IllegalArgumentException(key + ".refresh-after: " + freshness.refreshAfter()
					+ " (expected: > 0; fix: set refresh-after or remove the freshness block)");
		}
		Duration grace = (freshness.serveStaleFor() != null) ? freshness.serveStaleFor() : Duration.ZERO;
		if (grace.isNegative()) {
			throw new IllegalArgumentException(key + ".serve-stale-for: " + grace + " (expected: >= 0)");
		}
		Duration whenOpen = (freshness.serveStaleForWhenOpen() != null) ? freshness.serveStaleForWhenOpen() : grace;
		if (whenOpen.compareTo(grace) < 0) {
			throw new IllegalArgumentException(
					key + ".serve-stale-for-when-open: " + whenOpen + " (expected: >= serve-stale-for " + grace + ")");
		}
		return new FreshnessPolicy(freshness.refreshAfter(), grace, whenOpen);
	}

	/**
	 * How long a value stored under this policy must be kept: the fresh window plus the
	 * longer grace.
	 * @return the horizon
	 */
	public Duration horizon() {
		return this.refreshAfter.plus(this.serveStaleForWhenOpen);
	}

	/**
	 * The policy as text for the explain view.
	 * @return e.g. {@code refresh-after PT5S, stale PT30S (PT10M when open)}
	 */
	public String describe() {
		return "refresh-after " + this.refreshAfter + ", stale " + this.serveStaleFor + " ("
				+ this.serveStaleForWhenOpen + " when open)";
	}

}
