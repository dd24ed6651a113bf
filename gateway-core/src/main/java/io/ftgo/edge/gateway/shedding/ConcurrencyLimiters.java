package io.ftgo.edge.gateway.shedding;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

import com.netflix.concurrency.limits.Limit;
import com.netflix.concurrency.limits.limit.FixedLimit;
import com.netflix.concurrency.limits.limit.Gradient2Limit;
import com.netflix.concurrency.limits.limit.VegasLimit;
import com.netflix.concurrency.limits.limit.WindowedLimit;
import com.netflix.concurrency.limits.limit.window.PercentileSampleWindowFactory;
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
		PartitionedBuilder builder = new PartitionedBuilder().named(name)
			.nanoClock(nanoClock)
			.limit(limit(properties, nanoClock))
			.partitionResolver((partition) -> partition);
		for (Map.Entry<String, Integer> partition : properties.partitions().entrySet()) {
			builder.partition(partition.getKey(), partition.getValue() / 100.0);
		}
		return (AbstractLimiter<String>) builder.build();
	}

	static Limit limit(EdgeConcurrencyProperties properties, LongSupplier nanoClock) {
		Limit limit = switch (properties.algorithm()) {
			// windowed too, so that no release enters the limit's synchronized onSample
			case "fixed" -> windowed(FixedLimit.of(properties.initialLimit()), properties);
			case "vegas" -> windowed(VegasLimit.newBuilder()
				.initialLimit(properties.initialLimit())
				.maxConcurrency(properties.maxLimit())
				.build(), properties);
			default -> windowed(Gradient2Limit.newBuilder()
				.initialLimit(properties.initialLimit())
				.minLimit(properties.minLimit())
				.maxConcurrency(properties.maxLimit())
				.build(), properties);
		};
		if ("fixed".equals(properties.algorithm()) || properties.warmUp().isZero()) {
			return limit;
		}
		return new WarmUpLimit(limit, properties.initialLimit(), properties.warmUp().toNanos(), nanoClock);
	}

	/**
	 * The adaptive algorithm sees one latency per window of at least
	 * {@code sample-window} (and {@link #WINDOW_SAMPLES} samples, at most
	 * {@code max(sample-window, 2s)}): the window's median (or another percentile, or the
	 * average). A GC pause or a JIT compilation stalls every request for tens of
	 * milliseconds at once; in a 100 ms window of averages that reads as queueing and the
	 * limit falls, in a one-second window's median it is a few slow samples among many.
	 * Real queueing slows every request of the window, which moves the median as it moves
	 * the average.
	 */
	private static Limit windowed(Limit algorithm, EdgeConcurrencyProperties properties) {
		long min = properties.sampleWindow().toNanos();
		WindowedLimit.Builder builder = WindowedLimit.newBuilder()
			.minWindowTime(min, TimeUnit.NANOSECONDS)
			.maxWindowTime(Math.max(min, TimeUnit.SECONDS.toNanos(2)), TimeUnit.NANOSECONDS)
			.windowSize(WINDOW_SAMPLES);
		if (properties.samplePercentile() > 0) {
			builder.sampleWindowFactory(
					PercentileSampleWindowFactory.of(properties.samplePercentile() / 100.0, WINDOW_SAMPLE_CAPACITY));
		}
		return builder.build(algorithm);
	}

	/** Samples a window needs before the algorithm sees it. */
	static final int WINDOW_SAMPLES = 10;

	/** Samples a percentile window keeps (later ones in the window are not counted). */
	static final int WINDOW_SAMPLE_CAPACITY = 1000;

	/**
	 * For {@code duration} after it was built the limit is {@code initial-limit}, fixed,
	 * and the algorithm is not told of any sample: right after a deploy the JIT compiles,
	 * caches are cold and every request is slow, which an adaptive algorithm reads as
	 * queueing; it would drive the limit to its minimum (a cold BFF shed 17-35% of a
	 * modest load) and, since gradient2 does not raise a limit that traffic does not
	 * reach, keep it there after the warm-up, where the next GC pause would overflow it.
	 * After the warm-up the algorithm starts from {@code initial-limit} and learns the
	 * warm edge's latency.
	 */
	static final class WarmUpLimit implements Limit {

		private final Limit delegate;

		private final int initial;

		private final long endsAt;

		private final LongSupplier clock;

		private final List<Consumer<Integer>> listeners = new CopyOnWriteArrayList<>();

		private volatile boolean warming = true;

		WarmUpLimit(Limit delegate, int initial, long durationNanos, LongSupplier clock) {
			this.delegate = delegate;
			this.initial = initial;
			this.clock = clock;
			this.endsAt = clock.getAsLong() + durationNanos;
			delegate.notifyOnChange((limit) -> {
				if (!this.warming) {
					this.listeners.forEach((listener) -> listener.accept(limit));
				}
			});
		}

		@Override
		public int getLimit() {
			return warming() ? this.initial : this.delegate.getLimit();
		}

		@Override
		public void notifyOnChange(Consumer<Integer> consumer) {
			this.listeners.add(consumer);
		}

		@Override
		public void onSample(long startTime, long rtt, int inflight, boolean didDrop) {
			if (!warming()) {
				this.delegate.onSample(startTime, rtt, inflight, didDrop);
			}
		}

		/** Whether the warm-up is still on (it ends once, for good). */
		boolean warming() {
			if (this.warming && this.clock.getAsLong() - this.endsAt >= 0) {
				this.warming = false;
				int limit = this.delegate.getLimit();
				this.listeners.forEach((listener) -> listener.accept(limit));
			}
			return this.warming;
		}

	}

	/** The library's partitioned limiter builder, made concrete. */
	static final class PartitionedBuilder extends AbstractPartitionedLimiter.Builder<PartitionedBuilder, String> {

		@Override
		protected PartitionedBuilder self() {
			return this;
		}

	}

}
