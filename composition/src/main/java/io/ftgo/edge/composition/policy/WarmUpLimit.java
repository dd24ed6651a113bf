package io.ftgo.edge.composition.policy;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

import com.netflix.concurrency.limits.Limit;

/**
 * A limit that is {@code initial-limit}, fixed, for a warm-up after it was built, and
 * tells the algorithm of no sample meanwhile; the one warm-up of every adaptive limit of
 * the edge: the BFF-wide limit ({@code edge.concurrency.warm-up}) and each provider's
 * ({@code edge.providers.<id>.concurrency.warm-up}).
 * <p>
 * Right after a deploy the JIT compiles, caches are cold and every request is slow, which
 * an adaptive algorithm reads as queueing; it would drive the limit to its minimum (a
 * cold BFF shed 17-35% of a modest load) and, since gradient2 does not raise a limit that
 * traffic does not reach, keep it there after the warm-up, where the next GC pause would
 * overflow it. After the warm-up the algorithm starts from {@code initial-limit} and
 * learns the warm edge's latency. The warm-up ends once, for good, the first time the
 * limit is read or sampled on or after its end (on the clock given: the scheduler's for a
 * provider, so tests run it in virtual time). Nothing blocks: a volatile flag and the
 * delegate's own (windowed) sampling.
 */
public final class WarmUpLimit implements Limit {

	private final Limit delegate;

	private final int initial;

	private final long endsAt;

	private final LongSupplier clock;

	private final List<Consumer<Integer>> listeners = new CopyOnWriteArrayList<>();

	private volatile boolean warming = true;

	/**
	 * Starts the warm-up now.
	 * @param delegate the adaptive limit (windowed)
	 * @param initial the limit during the warm-up (the delegate's initial limit)
	 * @param durationNanos the warm-up, in nanoseconds of {@code clock}
	 * @param clock the clock of the warm-up (nanoseconds)
	 */
	public WarmUpLimit(Limit delegate, int initial, long durationNanos, LongSupplier clock) {
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

	/**
	 * The limit, warmed up unless the duration is zero.
	 * @param limit the adaptive limit (windowed)
	 * @param initial the limit during the warm-up
	 * @param duration the warm-up; zero: none
	 * @param clock the clock of the warm-up (nanoseconds)
	 * @return {@code limit} itself, or it behind a warm-up
	 */
	public static Limit of(Limit limit, int initial, java.time.Duration duration, LongSupplier clock) {
		return duration.isZero() ? limit : new WarmUpLimit(limit, initial, duration.toNanos(), clock);
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

	/**
	 * Whether the warm-up is still on (it ends once, for good).
	 * @return {@code true} while warming up
	 */
	public boolean warming() {
		if (this.warming && this.clock.getAsLong() - this.endsAt >= 0) {
			this.warming = false;
			int limit = this.delegate.getLimit();
			this.listeners.forEach((listener) -> listener.accept(limit));
		}
		return this.warming;
	}

}
