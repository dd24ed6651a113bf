package io.ftgo.edge.composition.policy;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import io.ftgo.edge.composition.RetryStats;
import reactor.core.scheduler.Scheduler;

/**
 * One provider's retry budget, shared by its retries and hedges across requests, whatever
 * kind of call makes them (composed parts, GraphQL fields, proxied routes). A retry or
 * hedge is sent only when both hold:
 * <ul>
 * <li><b>rate</b> (Finagle's {@code RetryBudget}): retries and hedges sent within the
 * sliding {@code window} stay at or below {@code ratio} &times; calls started within it
 * plus {@code min-per-second} &times; the window in seconds;</li>
 * <li><b>in flight</b> (Envoy's retry budget): retries and hedges in flight stay below
 * {@code max(min-in-flight, in-flight-ratio &times; calls in flight)}.</li>
 * </ul>
 * The window is kept as one-second buckets on the engine's clock (virtual in tests).
 * Thread-safe; the buckets are guarded by this object's monitor, held for a few field
 * updates only (never across a call).
 */
public final class RetryBudget implements RetryStats {

	private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

	private final ProviderSettings.RetryBudgetSettings settings;

	private final Scheduler scheduler;

	private final int buckets;

	private final long[] calls;

	private final long[] extras;

	private final long[] second;

	private final AtomicInteger active = new AtomicInteger();

	private final AtomicInteger extraInFlight = new AtomicInteger();

	private final LongAdder sent = new LongAdder();

	private final LongAdder refused = new LongAdder();

	/**
	 * Create a budget.
	 * @param settings the validated settings
	 * @param scheduler the clock
	 */
	public RetryBudget(ProviderSettings.RetryBudgetSettings settings, Scheduler scheduler) {
		this.settings = settings;
		this.scheduler = scheduler;
		this.buckets = (int) Math.max(1, settings.window().toSeconds());
		this.calls = new long[this.buckets];
		this.extras = new long[this.buckets];
		this.second = new long[this.buckets];
		java.util.Arrays.fill(this.second, Long.MIN_VALUE);
	}

	/** A call starts (one, whatever its attempts): deposits in the rate window. */
	public void callStarted() {
		this.active.incrementAndGet();
		long now = now();
		synchronized (this) {
			this.calls[bucket(now)]++;
		}
	}

	/** A call ends. */
	public void callEnded() {
		this.active.decrementAndGet();
	}

	/**
	 * Asks to send a retry or a hedge now; when granted, {@link #extraEnded()} must be
	 * called once it ends.
	 * @return {@code true} when it may be sent
	 */
	public boolean tryExtra() {
		int inFlight = this.extraInFlight.incrementAndGet();
		int cap = Math.max(this.settings.minInFlight(), (int) (this.settings.inFlightRatio() * this.active.get()));
		if (inFlight > cap) {
			this.extraInFlight.decrementAndGet();
			this.refused.increment();
			return false;
		}
		long now = now();
		synchronized (this) {
			int current = bucket(now);
			long oldest = Math.floorDiv(now, SECOND) - this.buckets;
			long callsInWindow = 0;
			long extrasInWindow = 0;
			for (int i = 0; i < this.buckets; i++) {
				if (this.second[i] > oldest) {
					callsInWindow += this.calls[i];
					extrasInWindow += this.extras[i];
				}
			}
			double allowed = this.settings.ratio() * callsInWindow + this.settings.minPerSecond() * this.buckets;
			if (extrasInWindow + 1 > allowed) {
				this.extraInFlight.decrementAndGet();
				this.refused.increment();
				return false;
			}
			this.extras[current]++;
		}
		this.sent.increment();
		return true;
	}

	/** A granted retry or hedge ends. */
	public void extraEnded() {
		this.extraInFlight.decrementAndGet();
	}

	@Override
	public long sent() {
		return this.sent.sum();
	}

	@Override
	public long refused() {
		return this.refused.sum();
	}

	/**
	 * Retries and hedges in flight now (for tests).
	 * @return the number
	 */
	public int extraInFlight() {
		return this.extraInFlight.get();
	}

	/** The bucket of {@code now}, cleared when it last held an older second. */
	private int bucket(long now) {
		long sec = Math.floorDiv(now, SECOND);
		int index = (int) Math.floorMod(sec, (long) this.buckets);
		if (this.second[index] != sec) {
			this.second[index] = sec;
			this.calls[index] = 0;
			this.extras[index] = 0;
		}
		return index;
	}

	private long now() {
		return this.scheduler.now(TimeUnit.NANOSECONDS);
	}

}
