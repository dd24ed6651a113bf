package io.ftgo.edge.gateway.shedding;

import java.util.function.LongSupplier;

import com.netflix.concurrency.limits.Limit;
import com.netflix.concurrency.limits.limit.WindowedLimit;
import com.netflix.concurrency.limits.limiter.AbstractLimiter;
import io.ftgo.edge.composition.policy.PartitionedLimiters;
import io.ftgo.edge.composition.policy.WarmUpLimit;

/**
 * Builds the partitioned limiter of Netflix concurrency-limits from
 * {@link EdgeConcurrencyProperties}, as {@link PartitionedLimiters} builds every limiter
 * of the edge (the provider limits too), plus the warm-up ({@link WarmUpLimit}, the
 * provider limits' too); the algorithm is the library's, nothing of it is written here.
 * <p>
 * Nothing it does on a request blocks an event loop: {@code acquire} is atomic counters
 * and CAS (no partition reject delay is ever configured, which would sleep); the adaptive
 * algorithms, whose {@code onSample} is {@code synchronized}, are wrapped in the
 * library's {@link WindowedLimit}, which collects samples lock-free and lets one thread
 * at a time, by {@code tryLock} (never waiting), hand a window to the algorithm, so that
 * monitor is never contended.
 */
public final class ConcurrencyLimiters {

	private ConcurrencyLimiters() {
	}

	/**
	 * The limiter: its context is the partition name ({@link PriorityClassifier}).
	 * @param properties validated settings
	 * @param name the limiter's name (the application name)
	 */
	public static AbstractLimiter<String> build(EdgeConcurrencyProperties properties, String name) {
		return build(properties, name, System::nanoTime);
	}

	/**
	 * The limiter on a given clock (tests drive it).
	 * @param properties validated settings
	 * @param name the limiter's name
	 * @param nanoClock the clock of request start times, samples and the warm-up
	 */
	public static AbstractLimiter<String> build(EdgeConcurrencyProperties properties, String name,
			LongSupplier nanoClock) {
		return PartitionedLimiters.build(name, nanoClock, limit(properties, nanoClock), properties.partitions());
	}

	static Limit limit(EdgeConcurrencyProperties properties, LongSupplier nanoClock) {
		// windowed, fixed too, so that no release enters the limit's synchronized
		// onSample
		Limit limit = PartitionedLimiters.limit(properties.algorithm(), properties.initialLimit(),
				properties.minLimit(), properties.maxLimit(), properties.sampleWindow(), properties.samplePercentile());
		if ("fixed".equals(properties.algorithm())) {
			return limit;
		}
		return WarmUpLimit.of(limit, properties.initialLimit(), properties.warmUp(), nanoClock);
	}

}
