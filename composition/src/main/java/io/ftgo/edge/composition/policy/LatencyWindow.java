package io.ftgo.edge.composition.policy;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A provider's recent latencies (internal): a lock-free ring of the last {@value #SIZE}
 * samples, the oldest overwritten first (a sliding window, so old latency decays out of
 * it after {@value #SIZE} calls). Recording is one {@code getAndIncrement} and one store;
 * the percentile is recomputed (copy and sort of the ring, a few microseconds) by the
 * recording thread every {@value #EVERY} samples and read from a volatile in between, so
 * reading it costs nothing on the call path.
 */
public final class LatencyWindow {

	/** Samples kept. */
	static final int SIZE = 256;

	/** Samples between two recomputations of the percentile. */
	static final int EVERY = 16;

	/** Samples needed before the percentile is known. */
	static final int MIN_SAMPLES = 20;

	private final AtomicLongArray samples = new AtomicLongArray(SIZE);

	private final AtomicLong count = new AtomicLong();

	private final double percentile;

	private volatile long current = -1;

	/**
	 * Create an empty window.
	 * @param percentile the percentile to track, e.g. 95.0
	 */
	public LatencyWindow(double percentile) {
		this.percentile = percentile;
	}

	/**
	 * Records one latency.
	 * @param nanos the latency
	 */
	public void record(long nanos) {
		long n = this.count.getAndIncrement();
		this.samples.set((int) (n % SIZE), Math.max(nanos, 0));
		long recorded = n + 1;
		if (recorded == MIN_SAMPLES || (recorded > MIN_SAMPLES && recorded % EVERY == 0)) {
			recompute(recorded);
		}
	}

	/**
	 * The tracked percentile of the samples in the window.
	 * @return nanoseconds, or -1 while fewer than {@value #MIN_SAMPLES} samples were
	 * recorded
	 */
	public long percentileNanos() {
		return this.current;
	}

	private void recompute(long recorded) {
		int n = (int) Math.min(recorded, SIZE);
		long[] copy = new long[n];
		for (int i = 0; i < n; i++) {
			copy[i] = this.samples.get(i);
		}
		Arrays.sort(copy);
		int rank = (int) Math.ceil(this.percentile / 100.0 * n) - 1;
		this.current = copy[Math.max(0, Math.min(n - 1, rank))];
	}

}
