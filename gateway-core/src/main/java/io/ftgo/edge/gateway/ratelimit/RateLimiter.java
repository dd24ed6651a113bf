package io.ftgo.edge.gateway.ratelimit;

import java.time.Duration;

import reactor.core.publisher.Mono;

/**
 * Decides whether one more request of a caller fits its budget: fixed windows, at most
 * {@link Tier#limit()} requests per {@link Tier#window()} and key.
 * <p>
 * Implementations: in memory (one budget per replica, the default) and Redis (one budget
 * for all replicas). An implementation answers one {@link Decision} per call, never
 * blocks the calling thread, and signals {@link RateLimiterUnavailableException} when it
 * cannot decide (its store is down or too slow); what then happens is the failure mode's
 * business ({@code edge.rate-limit.redis.failure-mode}), not the limiter's.
 */
public interface RateLimiter {

	/**
	 * Counts one request of {@code key} against {@code tier}.
	 * @param key the caller: {@code client:<id>}, {@code sub:<subject>} or
	 * {@code ip:<address>}
	 * @param tier the caller's tier
	 * @return the decision; {@link RateLimiterUnavailableException} when none can be made
	 */
	Mono<Decision> tryAcquire(String key, Tier tier);

	/**
	 * A tier, resolved: at most {@code limit} requests per {@code window}.
	 *
	 * @param name the tier name (a metric tag)
	 * @param limit requests allowed per window, &gt; 0
	 * @param window the window length, whole seconds
	 */
	record Tier(String name, int limit, Duration window) {

		/** The window in milliseconds. */
		public long windowMillis() {
			return this.window.toMillis();
		}

	}

	/**
	 * One decision.
	 *
	 * @param allowed whether the request may proceed
	 * @param limit the tier's limit
	 * @param remaining requests left in the current window after this one (&ge; 0)
	 * @param resetAfter time until the current window ends
	 */
	record Decision(boolean allowed, int limit, int remaining, Duration resetAfter) {

		/** Seconds until the window ends, rounded up, at least 1 (for headers). */
		public long resetSeconds() {
			long millis = this.resetAfter.toMillis();
			return Math.max(1, (millis + 999) / 1000);
		}

	}

}
