package io.ftgo.edge.gateway.ratelimit;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import reactor.core.publisher.Mono;

/**
 * Fixed windows in memory: one budget per replica. Each key has one {@link AtomicLong}
 * packing the window index (upper 40 bits) and the count in it (lower 24 bits), updated
 * by compare-and-set, so concurrent requests never over-admit and never lock. Keys live
 * in a bounded Caffeine cache (least recently used evicted first; an evicted caller
 * starts a fresh window). Time comes from the injected {@link Clock}; windows are aligned
 * to the epoch ({@code millis / window}).
 */
public final class InMemoryRateLimiter implements RateLimiter {

	private static final int COUNT_BITS = 24;

	private static final long COUNT_MASK = (1L << COUNT_BITS) - 1;

	private final Cache<String, AtomicLong> counters;

	private final Clock clock;

	/**
	 * @param maxKeys how many callers are tracked at once
	 * @param longestWindow the longest tier window (idle keys expire after it)
	 * @param clock the time source
	 */
	public InMemoryRateLimiter(int maxKeys, Duration longestWindow, Clock clock) {
		this.counters = Caffeine.newBuilder().maximumSize(maxKeys).expireAfterAccess(longestWindow).build();
		this.clock = clock;
	}

	@Override
	public Mono<Decision> tryAcquire(String key, Tier tier) {
		return Mono.just(acquire(key, tier));
	}

	/** The synchronous decision (non-blocking: a CAS loop). */
	Decision acquire(String key, Tier tier) {
		AtomicLong counter = this.counters.get(key, (k) -> new AtomicLong());
		long now = this.clock.millis();
		long windowMillis = tier.windowMillis();
		long window = now / windowMillis;
		long resetAfter = (window + 1) * windowMillis - now;
		int limit = tier.limit();
		while (true) {
			long state = counter.get();
			long count = ((state >>> COUNT_BITS) == window) ? (state & COUNT_MASK) : 0;
			if (count >= limit) {
				return new Decision(false, limit, 0, Duration.ofMillis(resetAfter));
			}
			long next = count + 1;
			if (counter.compareAndSet(state, (window << COUNT_BITS) | next)) {
				return new Decision(true, limit, (int) (limit - next), Duration.ofMillis(resetAfter));
			}
		}
	}

	/** Callers tracked now (approximate; for tests and metrics). */
	long trackedKeys() {
		return this.counters.estimatedSize();
	}

}
