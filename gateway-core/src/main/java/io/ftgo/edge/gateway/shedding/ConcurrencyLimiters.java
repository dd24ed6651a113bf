package io.ftgo.edge.gateway.shedding;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

import com.netflix.concurrency.limits.Limit;
import com.netflix.concurrency.limits.limit.WindowedLimit;
import com.netflix.concurrency.limits.limiter.AbstractLimiter;
import io.ftgo.edge.composition.policy.PartitionedLimiters;

/**
 * Builds the partitioned limiter of Netflix concurrency-limits from
 * {@link EdgeConcurrencyProperties}, as {@link PartitionedLimiters} builds every limiter
 * of the edge (the provider limits too), plus the warm-up; the algorithm is the
 * library's, nothing of it is written here.
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
		if ("fixed".equals(properties.algorithm()) || properties.warmUp().isZero()) {
			return limit;
		}
		return new WarmUpLimit(limit, properties.initialLimit(), properties.warmUp().toNanos(), nanoClock);
	}

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

}
