package io.ftgo.edge.gateway.ratelimit;

import java.time.Duration;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.TimeMeter;
import reactor.core.publisher.Mono;

/**
 * Token buckets in memory (Bucket4j local buckets): one budget per replica. Each caller
 * and tier has one lock-free bucket (compare-and-set, so concurrent requests never
 * over-admit and never lock) in a bounded Caffeine cache: least recently used evicted
 * first, and a bucket idle for the longest window is dropped, which changes nothing,
 * since by then it is full again. Time comes from the injected {@link TimeMeter}
 * ({@link TimeMeter#SYSTEM_NANOTIME} in production, monotonic).
 */
public final class InMemoryRateLimiter implements RateLimiter {

	private final Cache<String, Bucket> buckets;

	private final TimeMeter time;

	/**
	 * @param maxKeys how many buckets are kept at once
	 * @param longestWindow the longest tier window (idle buckets expire after it)
	 * @param time the time source
	 */
	public InMemoryRateLimiter(int maxKeys, Duration longestWindow, TimeMeter time) {
		this.buckets = Caffeine.newBuilder().maximumSize(maxKeys).expireAfterAccess(longestWindow).build();
		this.time = time;
	}

	@Override
	public Mono<Decision> tryAcquire(String key, Tier tier) {
		return Mono.fromSupplier(() -> acquire(key, tier));
	}

	@Override
	public Decision tryAcquireNow(String key, Tier tier) {
		return acquire(key, tier);
	}

	/** The synchronous decision (non-blocking: Bucket4j's lock-free bucket). */
	Decision acquire(String key, Tier tier) {
		Bucket bucket = this.buckets.get(tier.bucketKey(key),
				(k) -> Bucket.builder().addLimit(tier.bandwidth()).withCustomTimePrecision(this.time).build());
		return Decision.of(bucket.tryConsumeAndReturnRemaining(1), tier.limit());
	}

}
