package io.ftgo.edge.bench;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * When each request of an open-loop run is due: a constant arrival rate for a duration,
 * starting 10 ms from now. Latency is measured from {@link #due}, so a slow server cannot
 * slow the load down (no coordinated omission).
 */
final class OpenLoopSchedule {

	private final long interval;

	private final long total;

	private final long start;

	OpenLoopSchedule(double rate, Duration duration) {
		this.interval = (long) (1e9 / rate);
		this.total = (long) (duration.toNanos() / (double) this.interval);
		this.start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(10);
	}

	/** How many requests the run sends. */
	long total() {
		return this.total;
	}

	/** When request {@code i} is due ({@code System.nanoTime()} time). */
	long due(long i) {
		return this.start + i * this.interval;
	}

	/** Waits (parking, then spinning the last 0.1 ms) until request {@code i} is due. */
	long awaitDue(long i) {
		long due = due(i);
		long now;
		while ((now = System.nanoTime()) < due) {
			long wait = due - now;
			if (wait > 200_000) {
				LockSupport.parkNanos(wait - 100_000);
			}
		}
		return due;
	}

}
