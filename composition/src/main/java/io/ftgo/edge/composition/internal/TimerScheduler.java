package io.ftgo.edge.composition.internal;

import java.util.concurrent.TimeUnit;

import io.netty.util.HashedWheelTimer;
import io.netty.util.Timeout;
import reactor.core.Disposable;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The engine's default scheduler (internal): delayed tasks (every call's timeout, retry
 * backoffs) go to one shared hashed wheel timer with a 10 ms tick, and hop to
 * {@link Schedulers#parallel()} only when they fire; everything else is
 * {@code parallel()}. Almost every timeout is cancelled (the call answers first), and
 * arming and cancelling a wheel slot is O(1) without waking a thread, where a
 * {@code ScheduledThreadPoolExecutor} takes a lock, re-sorts a heap and wakes its worker.
 * Timeouts fire up to one tick late. {@link #now} is monotonic ({@code nanoTime}).
 */
public final class TimerScheduler implements Scheduler {

	private static final TimerScheduler SHARED = new TimerScheduler();

	private final HashedWheelTimer timer;

	private final Scheduler parallel = Schedulers.parallel();

	private TimerScheduler() {
		this.timer = new HashedWheelTimer((runnable) -> {
			Thread thread = new Thread(runnable, "composition-timer");
			thread.setDaemon(true);
			return thread;
		}, 10, TimeUnit.MILLISECONDS, 512);
	}

	/**
	 * The shared instance.
	 * @return the scheduler
	 */
	public static Scheduler shared() {
		return SHARED;
	}

	@Override
	public Disposable schedule(Runnable task) {
		return this.parallel.schedule(task);
	}

	@Override
	public Disposable schedule(Runnable task, long delay, TimeUnit unit) {
		Timeout timeout = this.timer.newTimeout((t) -> this.parallel.schedule(task), delay, unit);
		return new Disposable() {

			@Override
			public void dispose() {
				timeout.cancel();
			}

			@Override
			public boolean isDisposed() {
				return timeout.isCancelled() || timeout.isExpired();
			}

		};
	}

	@Override
	public Worker createWorker() {
		return this.parallel.createWorker();
	}

	@Override
	public long now(TimeUnit unit) {
		return unit.convert(System.nanoTime(), TimeUnit.NANOSECONDS);
	}

	@Override
	public void dispose() {
		// Shared for the life of the JVM; its thread is a daemon.
	}

}
