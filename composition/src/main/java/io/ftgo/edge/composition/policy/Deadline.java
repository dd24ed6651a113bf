package io.ftgo.edge.composition.policy;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import reactor.core.scheduler.Scheduler;

/**
 * The deadline of one request, measured on the engine's scheduler clock (internal).
 */
public final class Deadline {

	private final Scheduler scheduler;

	private final long deadlineNanos;

	/**
	 * Start a deadline now.
	 * @param scheduler the clock
	 * @param budget the time allowed
	 */
	public Deadline(Scheduler scheduler, Duration budget) {
		this.scheduler = scheduler;
		this.deadlineNanos = scheduler.now(TimeUnit.NANOSECONDS) + budget.toNanos();
	}

	/**
	 * Time left, possibly zero or negative.
	 * @return nanoseconds left
	 */
	public long remainingNanos() {
		return this.deadlineNanos - this.scheduler.now(TimeUnit.NANOSECONDS);
	}

}
