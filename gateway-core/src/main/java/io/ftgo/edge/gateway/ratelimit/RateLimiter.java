package io.ftgo.edge.gateway.ratelimit;

import java.time.Duration;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import reactor.core.publisher.Mono;

/**
 * Decides whether one more request of a caller fits its budget: a token bucket per caller
 * and tier (Bucket4j) that holds {@link Tier#limit()} tokens and is refilled greedily
 * with {@code limit} tokens per {@link Tier#window()}. A caller gets at most
 * {@code limit} requests at once, and at most {@code limit} more per window after that:
 * in any interval of length {@code d} at most {@code limit + limit * d / window}, so
 * there is no window boundary across which twice the limit can be sent at once.
 * <p>
 * Implementations: in memory (one budget per replica, the default) and Redis (one budget
 * for all replicas). An implementation answers one {@link Decision} per call, never
 * blocks the calling thread, and signals {@link RateLimiterUnavailableException} when it
 * cannot decide (its store is down or too slow); what then happens is the failure mode's
 * business ({@code edge.rate-limit.redis.failure-mode}), not the limiter's.
 */
public interface RateLimiter {

	/**
	 * Takes one token of {@code key}'s bucket for {@code tier}.
	 * @param key the caller: {@code client:<id>}, {@code sub:<subject>},
	 * {@code ip:<address>} or {@code authfail:<address>}
	 * @param tier the caller's tier
	 * @return the decision; {@link RateLimiterUnavailableException} when none can be made
	 */
	Mono<Decision> tryAcquire(String key, Tier tier);

	/**
	 * The decision at once, for a limiter that never waits (in memory); null when the
	 * decision must wait (Redis), and then {@link #tryAcquire} makes it.
	 * @param key the caller, as for {@link #tryAcquire}
	 * @param tier the caller's tier
	 * @return the decision, or null
	 */
	default Decision tryAcquireNow(String key, Tier tier) {
		return null;
	}

	/**
	 * A tier, resolved: a bucket of {@code limit} tokens refilled with {@code limit} per
	 * {@code window}.
	 *
	 * @param name the tier name (a metric tag)
	 * @param limit the bucket's capacity and the tokens added per window, &gt; 0
	 * @param window the window length, whole seconds
	 */
	record Tier(String name, int limit, Duration window) {

		/**
		 * The bucket of this tier: capacity {@code limit}, refilled greedily (token by
		 * token as time passes, not all at once) with {@code limit} tokens per window.
		 */
		public Bandwidth bandwidth() {
			return Bandwidth.builder().capacity(this.limit).refillGreedy(this.limit, this.window).build();
		}

		/** The bucket of this tier as a distributed bucket's configuration. */
		public BucketConfiguration bucket() {
			return BucketConfiguration.builder().addLimit(bandwidth()).build();
		}

		/**
		 * Where the bucket of {@code key} in this tier is kept: a bucket belongs to a
		 * caller and a tier (its name, limit and window), so a changed limit takes effect
		 * at once with a fresh bucket instead of the stored one.
		 * @param key the caller key
		 * @return e.g. {@code client:partner-ajanta:standard:50/1s}
		 */
		public String bucketKey(String key) {
			return key + ":" + this.name + ":" + this.limit + "/" + this.window.toSeconds() + "s";
		}

	}

	/**
	 * One decision.
	 *
	 * @param allowed whether the request may proceed
	 * @param limit the tier's limit
	 * @param remaining tokens left in the bucket after this request (&ge; 0): requests
	 * that may be sent at once now
	 * @param resetAfter time until the bucket is full again ({@code remaining} back at
	 * {@code limit})
	 * @param retryAfter when refused, the time until the next token (when a request would
	 * be allowed again); zero when allowed
	 */
	record Decision(boolean allowed, int limit, int remaining, Duration resetAfter, Duration retryAfter) {

		/** The decision Bucket4j's probe describes. */
		static Decision of(ConsumptionProbe probe, int limit) {
			return new Decision(probe.isConsumed(), limit, (int) Math.max(0, probe.getRemainingTokens()),
					Duration.ofNanos(Math.max(0, probe.getNanosToWaitForReset())),
					Duration.ofNanos(probe.isConsumed() ? 0 : Math.max(0, probe.getNanosToWaitForRefill())));
		}

		/**
		 * Seconds until the bucket is full again, rounded up, at least 1 (for headers).
		 */
		public long resetSeconds() {
			return seconds(this.resetAfter);
		}

		/**
		 * Seconds until the next request would be allowed, rounded up, at least 1 (for
		 * {@code Retry-After}).
		 */
		public long retryAfterSeconds() {
			return seconds(this.retryAfter);
		}

		private static long seconds(Duration duration) {
			long millis = duration.toMillis();
			return Math.max(1, (millis + 999) / 1000);
		}

	}

}
