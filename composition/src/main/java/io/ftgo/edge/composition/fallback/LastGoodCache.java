package io.ftgo.edge.composition.fallback;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.ftgo.edge.composition.policy.ProviderSettings;
import reactor.core.scheduler.Scheduler;
import tools.jackson.databind.JsonNode;

/**
 * One provider's last good values, bounded in size and age, timed by the engine's
 * scheduler clock (internal). The same entries serve the fallback chain (values not older
 * than {@code stale-for}) and stale-while-revalidate (values kept for the fresh window
 * plus the grace of the call that stored them): each entry is kept for the longer of the
 * two.
 */
public final class LastGoodCache {

	/**
	 * A value and when it was stored.
	 *
	 * @param value the provider answer
	 * @param storedAtNanos the scheduler time it was stored
	 * @param keepNanos how long it is kept
	 */
	public record Stamped(JsonNode value, long storedAtNanos, long keepNanos) {
	}

	private final Scheduler scheduler;

	private final long staleForNanos;

	private final Cache<CallKey, Stamped> cache;

	private final LongAdder writes = new LongAdder();

	/**
	 * Create the cache of one provider.
	 * @param settings the provider settings ({@code stale-for}, {@code max-size})
	 * @param scheduler the clock
	 */
	public LastGoodCache(ProviderSettings settings, Scheduler scheduler) {
		this.scheduler = scheduler;
		this.staleForNanos = settings.staleFor().toNanos();
		// Maintenance runs on the caller: no hand-off to the common pool per write.
		this.cache = Caffeine.newBuilder()
			.maximumSize(settings.cacheSize())
			.expireAfter(new Expiry<CallKey, Stamped>() {
				@Override
				public long expireAfterCreate(CallKey key, Stamped value, long currentTime) {
					return value.keepNanos();
				}

				@Override
				public long expireAfterUpdate(CallKey key, Stamped value, long currentTime, long currentDuration) {
					return value.keepNanos();
				}

				@Override
				public long expireAfterRead(CallKey key, Stamped value, long currentTime, long currentDuration) {
					return currentDuration;
				}
			})
			.ticker(() -> scheduler.now(TimeUnit.NANOSECONDS))
			.executor(Runnable::run)
			.build();
	}

	/**
	 * Remembers a good value for the fallback chain ({@code stale-for}).
	 * @param key the call
	 * @param value the answer
	 */
	public void put(CallKey key, JsonNode value) {
		put(key, value, Duration.ZERO);
	}

	/**
	 * Remembers a good value for at least {@code keep} (and at least {@code stale-for}).
	 * @param key the call
	 * @param value the answer
	 * @param keep how long a stale-while-revalidate policy needs it
	 */
	public void put(CallKey key, JsonNode value, Duration keep) {
		long keepNanos = Math.max(this.staleForNanos, keep.toNanos());
		if (keepNanos > 0) {
			this.cache.put(key, new Stamped(value, this.scheduler.now(TimeUnit.NANOSECONDS), keepNanos));
			this.writes.increment();
		}
	}

	/**
	 * Remembers {@code value} as {@link #put(CallKey, JsonNode, Duration)} does, unless
	 * this very answer is already stored (a collapsed call whose starter stored it).
	 * @param key the call
	 * @param value the answer
	 * @param keep how long a stale-while-revalidate policy needs it
	 */
	public void putUnlessStored(CallKey key, JsonNode value, Duration keep) {
		Stamped stored = this.cache.getIfPresent(key);
		if (stored == null || stored.value() != value) {
			put(key, value, keep);
		}
	}

	/**
	 * Values stored so far (for tests and metrics).
	 * @return the number of writes
	 */
	public long writes() {
		return this.writes.sum();
	}

	/**
	 * The last good value for the fallback chain, if not older than {@code stale-for}.
	 * @param key the call
	 * @return the value or {@code null}
	 */
	public Stamped get(CallKey key) {
		Stamped stamped = this.cache.getIfPresent(key);
		return (stamped != null && ageNanos(stamped) < this.staleForNanos) ? stamped : null;
	}

	/**
	 * The stored value whatever its age, while it is kept (stale-while-revalidate).
	 * @param key the call
	 * @return the value or {@code null}
	 */
	public Stamped peek(CallKey key) {
		return this.cache.getIfPresent(key);
	}

	/**
	 * The age of a stamped value now.
	 * @param stamped the value
	 * @return its age
	 */
	public Duration age(Stamped stamped) {
		return Duration.ofNanos(ageNanos(stamped));
	}

	/**
	 * The age of a stamped value now, in nanoseconds.
	 * @param stamped the value
	 * @return its age
	 */
	public long ageNanos(Stamped stamped) {
		return this.scheduler.now(TimeUnit.NANOSECONDS) - stamped.storedAtNanos();
	}

}
