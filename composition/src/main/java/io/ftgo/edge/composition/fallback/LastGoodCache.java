package io.ftgo.edge.composition.fallback;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.ftgo.edge.composition.policy.ProviderSettings;
import reactor.core.scheduler.Scheduler;
import tools.jackson.databind.JsonNode;

/**
 * One provider's last good values, bounded in size and age, timed by the engine's
 * scheduler clock (internal).
 */
public final class LastGoodCache {

	/**
	 * A value and when it was stored.
	 *
	 * @param value the provider answer
	 * @param storedAtNanos the scheduler time it was stored
	 */
	public record Stamped(JsonNode value, long storedAtNanos) {
	}

	private final Scheduler scheduler;

	private final Cache<CallKey, Stamped> cache;

	/**
	 * Create the cache of one provider.
	 * @param settings the provider settings ({@code stale-for}, {@code max-size})
	 * @param scheduler the clock
	 */
	public LastGoodCache(ProviderSettings settings, Scheduler scheduler) {
		this.scheduler = scheduler;
		// Maintenance runs on the caller: no hand-off to the common pool per write.
		this.cache = Caffeine.newBuilder()
			.maximumSize(settings.cacheSize())
			.expireAfterWrite(settings.staleFor())
			.ticker(() -> scheduler.now(TimeUnit.NANOSECONDS))
			.executor(Runnable::run)
			.build();
	}

	/**
	 * Remembers a good value.
	 * @param key the call
	 * @param value the answer
	 */
	public void put(CallKey key, JsonNode value) {
		this.cache.put(key, new Stamped(value, this.scheduler.now(TimeUnit.NANOSECONDS)));
	}

	/**
	 * The last good value, if not older than {@code stale-for}.
	 * @param key the call
	 * @return the value or {@code null}
	 */
	public Stamped get(CallKey key) {
		return this.cache.getIfPresent(key);
	}

	/**
	 * The age of a stamped value now.
	 * @param stamped the value
	 * @return its age
	 */
	public Duration age(Stamped stamped) {
		return Duration.ofNanos(this.scheduler.now(TimeUnit.NANOSECONDS) - stamped.storedAtNanos());
	}

}
