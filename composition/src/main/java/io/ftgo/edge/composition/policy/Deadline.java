package io.ftgo.edge.composition.policy;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import reactor.core.scheduler.Scheduler;
import reactor.util.context.Context;
import reactor.util.context.ContextView;

/**
 * The deadline of one request or one attempt, measured on the engine's scheduler clock.
 * While an attempt runs, its own deadline (the smaller of the provider's timeout and what
 * is left of the request's) is in the Reactor context ({@link #ofAttempt}), so a
 * transport reads it at the moment it sends: an HTTP client as a header, a gRPC client as
 * the call's deadline.
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

	/** The context key of the attempt's deadline. */
	private static final String ATTEMPT_KEY = Deadline.class.getName() + ".attempt";

	/**
	 * The context that carries an attempt's deadline to its transport.
	 * @param attempt the attempt's deadline
	 * @return the context to write
	 */
	public static Context forAttempt(Deadline attempt) {
		return Context.of(ATTEMPT_KEY, attempt);
	}

	/**
	 * The deadline of the attempt being made, if a policy set one.
	 * @param context the subscriber's context
	 * @return the deadline or {@code null}
	 */
	public static Deadline ofAttempt(ContextView context) {
		return context.getOrDefault(ATTEMPT_KEY, null);
	}

	/**
	 * Whole milliseconds left (rounded down), possibly zero or negative: what a provider
	 * is told, never more than is left.
	 * @return milliseconds left
	 */
	public long remainingMillis() {
		return Math.floorDiv(remainingNanos(), 1_000_000L);
	}

	/**
	 * Time left, possibly zero or negative.
	 * @return nanoseconds left
	 */
	public long remainingNanos() {
		return this.deadlineNanos - this.scheduler.now(TimeUnit.NANOSECONDS);
	}

}
