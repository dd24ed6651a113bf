package io.ftgo.edge.gateway.shedding;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.netflix.concurrency.limits.Limit;
import com.netflix.concurrency.limits.limit.FixedLimit;
import com.netflix.concurrency.limits.limit.Gradient2Limit;
import com.netflix.concurrency.limits.limit.VegasLimit;
import com.netflix.concurrency.limits.limit.WindowedLimit;
import com.netflix.concurrency.limits.limiter.AbstractLimiter;
import com.netflix.concurrency.limits.limiter.AbstractPartitionedLimiter;

/**
 * Builds the partitioned limiter of Netflix concurrency-limits from
 * {@link EdgeConcurrencyProperties}; the algorithm is the library's, nothing of it is
 * written here.
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
		PartitionedBuilder builder = new PartitionedBuilder().named(name)
			.limit(limit(properties))
			.partitionResolver((partition) -> partition);
		for (Map.Entry<String, Integer> partition : properties.partitions().entrySet()) {
			builder.partition(partition.getKey(), partition.getValue() / 100.0);
		}
		return (AbstractLimiter<String>) builder.build();
	}

	static Limit limit(EdgeConcurrencyProperties properties) {
		return switch (properties.algorithm()) {
			// windowed too, so that no release enters the limit's synchronized onSample
			case "fixed" -> windowed(FixedLimit.of(properties.initialLimit()));
			case "vegas" -> windowed(VegasLimit.newBuilder()
				.initialLimit(properties.initialLimit())
				.maxConcurrency(properties.maxLimit())
				.build());
			default -> windowed(Gradient2Limit.newBuilder()
				.initialLimit(properties.initialLimit())
				.minLimit(properties.minLimit())
				.maxConcurrency(properties.maxLimit())
				.build());
		};
	}

	private static Limit windowed(Limit algorithm) {
		// Windows of 100ms..1s of at least 10 samples: the algorithm adapts ten times a
		// second under load, and is entered by one thread at a time.
		return WindowedLimit.newBuilder()
			.minWindowTime(100, TimeUnit.MILLISECONDS)
			.maxWindowTime(1, TimeUnit.SECONDS)
			.windowSize(10)
			.build(algorithm);
	}

	/** The library's partitioned limiter builder, made concrete. */
	static final class PartitionedBuilder extends AbstractPartitionedLimiter.Builder<PartitionedBuilder, String> {

		@Override
		protected PartitionedBuilder self() {
			return this;
		}

	}

}
