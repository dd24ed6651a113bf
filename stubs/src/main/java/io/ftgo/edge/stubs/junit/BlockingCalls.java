package io.ftgo.edge.stubs.junit;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The process-wide record of blocking calls BlockHound caught on non-blocking threads
 * (event loops, Reactor's parallel scheduler), kept so that no catch goes unnoticed
 * however the error travels afterwards: caught and turned into a plain 500, or dropped by
 * Reactor ({@code onErrorDropped}) and leaving a request that never completes.
 *
 * <p>
 * {@link EdgeBlockHoundIntegration} records every catch here (with the stack at the
 * blocking call) and still throws it; {@link BlockingCallsExtension} fails the test that
 * was running. While a test runs, its thread is watched: the first catch interrupts it,
 * so a test waiting on an answer that will never come fails at once instead of waiting
 * out its timeout.
 *
 * <p>
 * Plain JDK types only: usable (and empty) in tests without BlockHound.
 */
public final class BlockingCalls {

	private static final ConcurrentLinkedQueue<Report> reports = new ConcurrentLinkedQueue<>();

	/**
	 * The dropped-errors list of every report by its error (identity), drained or not,
	 * for {@link #recordDropped}; the value does not hold the key, so entries can go.
	 */
	private static final Map<Throwable, ConcurrentLinkedQueue<Throwable>> droppedByError = Collections
		.synchronizedMap(new WeakHashMap<>());

	private static volatile Watch watch;

	private BlockingCalls() {
	}

	/**
	 * Records a blocking call caught on the current thread.
	 * @param error the error BlockHound throws, its stack at the blocking call
	 */
	public static void record(Throwable error) {
		record(error, null);
	}

	/**
	 * Records an error Reactor dropped ({@code onErrorDropped}) that carries a blocking
	 * call; usually recorded already when BlockHound caught it (even if a test has taken
	 * the report since), so this only marks it dropped.
	 * @param error the dropped error
	 * @param blockingCall the blocking-call error in its cause chain
	 */
	public static void recordDropped(Throwable error, Throwable blockingCall) {
		ConcurrentLinkedQueue<Throwable> dropped = droppedByError.get(blockingCall);
		if (dropped == null) {
			record(blockingCall, error);
		}
		else {
			dropped.add(error);
		}
	}

	private static Report record(Throwable error, Throwable droppedWith) {
		Watch current = watch;
		Report report = new Report(error, Thread.currentThread().getName(), (current != null) ? current.test() : null,
				new ConcurrentLinkedQueue<>());
		if (droppedWith != null) {
			report.dropped().add(droppedWith);
		}
		droppedByError.put(error, report.dropped());
		reports.add(report);
		if (current != null) {
			current.interrupt();
		}
		return report;
	}

	/**
	 * Takes every report recorded so far.
	 * @return the reports, oldest first; empty when none
	 */
	public static List<Report> drain() {
		List<Report> drained = new ArrayList<>();
		Report report;
		while ((report = reports.poll()) != null) {
			drained.add(report);
		}
		return drained;
	}

	/**
	 * Watches a test's thread: the first blocking call recorded while it runs interrupts
	 * it (unless {@code interrupt} is false, for a test that provokes blocking calls).
	 * @param thread the thread running the test
	 * @param test the test's name, for reports
	 * @param interrupt whether to interrupt the thread on the first report
	 */
	static void watch(Thread thread, String test, boolean interrupt) {
		Watch previous = watch;
		watch = new Watch(thread, test, interrupt);
		if (previous != null) {
			previous.end();
		}
	}

	/**
	 * The test being watched now: {@link BlockingCallsExtension} watches every test (a
	 * test can check that the extension is on).
	 * @return the test's name and class, empty between tests or without the extension
	 */
	public static Optional<String> watchedTest() {
		Watch current = watch;
		return (current != null) ? Optional.of(current.test()) : Optional.empty();
	}

	/**
	 * Stops watching, clearing an interrupt this class raised on the current thread, so
	 * the next test starts clean.
	 * @return whether the watched thread was interrupted
	 */
	static boolean unwatch() {
		Watch current = watch;
		watch = null;
		return (current != null) && current.end();
	}

	/**
	 * An assertion failure naming every report, the first as its cause (its stack is the
	 * blocking call's), the others suppressed.
	 * @param reports the reports, not empty
	 * @param when when the calls were recorded, e.g. "during this test"
	 * @return the failure to throw
	 */
	static AssertionError failure(List<Report> reports, String when) {
		StringBuilder message = new StringBuilder();
		message.append("BlockHound caught ")
			.append(reports.size())
			.append((reports.size() == 1) ? " blocking call " : " blocking calls ")
			.append(when)
			.append(" (a non-blocking thread must never block; remove the call, or allow it by name in")
			.append(" EdgeBlockHoundIntegration with the reason):");
		for (Report report : reports) {
			message.append("\n  - ").append(report.describe());
		}
		AssertionError failure = new AssertionError(message.toString(), reports.get(0).error());
		Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
		seen.add(reports.get(0).error());
		for (Report report : reports) {
			if (seen.add(report.error())) {
				failure.addSuppressed(report.error());
			}
		}
		return failure;
	}

	/**
	 * One blocking call caught.
	 *
	 * @param error the error, its stack at the blocking call
	 * @param thread the non-blocking thread it happened on
	 * @param test the test that was running, {@code null} when none was
	 * @param dropped the errors carrying it that Reactor dropped ({@code onErrorDropped})
	 */
	public record Report(Throwable error, String thread, String test, ConcurrentLinkedQueue<Throwable> dropped) {

		/**
		 * One line: the call, the thread, the test, whether it was dropped.
		 * @return the description
		 */
		public String describe() {
			StringBuilder line = new StringBuilder();
			line.append(this.error.getMessage()).append(" on ").append(this.thread);
			line.append((this.test != null) ? " while " + this.test + " ran" : " while no test ran");
			if (!this.dropped.isEmpty()) {
				line.append("; the error was dropped by Reactor (onErrorDropped), so whatever waited on it"
						+ " would never have completed");
			}
			return line.toString();
		}

	}

	private static final class Watch {

		private final Thread thread;

		private final String test;

		private final boolean interrupt;

		private boolean interrupted;

		private boolean ended;

		Watch(Thread thread, String test, boolean interrupt) {
			this.thread = thread;
			this.test = test;
			this.interrupt = interrupt;
		}

		String test() {
			return this.test;
		}

		/** Interrupts the test's thread once, unless the watch has ended. */
		synchronized void interrupt() {
			if (this.interrupt && !this.interrupted && !this.ended) {
				this.interrupted = true;
				this.thread.interrupt();
			}
		}

		/**
		 * Ends the watch (no interrupt after this) and clears the interrupt it raised,
		 * when called on the watched thread, so the next test starts clean.
		 */
		synchronized boolean end() {
			this.ended = true;
			if (this.interrupted && this.thread == Thread.currentThread()) {
				Thread.interrupted();
				return true;
			}
			return false;
		}

	}

}
