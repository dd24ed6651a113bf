package io.ftgo.edge.composition.policy;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

import com.netflix.concurrency.limits.Limit;
import com.netflix.concurrency.limits.Limiter;
import com.netflix.concurrency.limits.limit.FixedLimit;
import com.netflix.concurrency.limits.limit.Gradient2Limit;
import com.netflix.concurrency.limits.limit.VegasLimit;
import com.netflix.concurrency.limits.limit.WindowedLimit;
import com.netflix.concurrency.limits.limit.window.PercentileSampleWindowFactory;
import com.netflix.concurrency.limits.limiter.AbstractLimiter;
import com.netflix.concurrency.limits.limiter.AbstractPartitionedLimiter;
import reactor.core.publisher.SignalType;

/**
 * How the edge builds and uses a Netflix concurrency-limits partitioned limiter, for the
 * BFF-wide limit and for each provider's ({@link ProviderLimit}): the algorithm, its
 * sample window, the partitions, and an admitted call's slot. The algorithms are the
 * library's; nothing of them is written here.
 * <p>
 * Nothing here blocks: {@code acquire} is atomic counters and CAS (no partition reject
 * delay is ever configured, which would sleep); every algorithm, {@code fixed} too, is
 * wrapped in the library's {@link WindowedLimit}, which collects samples lock-free and
 * lets one thread at a time, by {@code tryLock}, hand a window to the algorithm's
 * {@code synchronized onSample}, so that monitor is never contended.
 */
public final class PartitionedLimiters {

	/** Samples a window needs before the algorithm sees it. */
	public static final int WINDOW_SAMPLES = 10;

	/** Samples a percentile window keeps (later ones in the window are not counted). */
	public static final int WINDOW_SAMPLE_CAPACITY = 1000;

	/** Gradient2's default latency tolerance (the library's {@code rttTolerance}). */
	public static final double DEFAULT_TOLERANCE = 1.5;

	/** Gradient2's default queue size (the library's). */
	public static final int DEFAULT_QUEUE_SIZE = 4;

	/** Gradient2's default smoothing (the library's). */
	public static final double DEFAULT_SMOOTHING = 0.2;

	private PartitionedLimiters() {
	}

	/**
	 * The algorithm, windowed.
	 * @param algorithm {@code fixed}, {@code vegas}, else gradient2
	 * @param initialLimit the initial limit (the limit, for {@code fixed})
	 * @param minLimit the lowest limit (gradient2)
	 * @param maxLimit the highest limit (vegas, gradient2)
	 * @param sampleWindow the shortest window (the longest is {@code max(it, 2s)})
	 * @param samplePercentile the latency percentile a window reports (0: the average)
	 * @return the limit
	 */
	public static Limit limit(String algorithm, int initialLimit, int minLimit, int maxLimit, Duration sampleWindow,
			int samplePercentile) {
		return limit(algorithm, initialLimit, minLimit, maxLimit, sampleWindow, samplePercentile, DEFAULT_TOLERANCE,
				DEFAULT_QUEUE_SIZE, DEFAULT_SMOOTHING);
	}

	/**
	 * The algorithm, windowed, with gradient2's tuning.
	 * @param algorithm {@code fixed}, {@code vegas}, else gradient2
	 * @param initialLimit the initial limit (the limit, for {@code fixed})
	 * @param minLimit the lowest limit (gradient2)
	 * @param maxLimit the highest limit (vegas, gradient2)
	 * @param sampleWindow the shortest window (the longest is {@code max(it, 2s)})
	 * @param samplePercentile the latency percentile a window reports (0: the average)
	 * @param tolerance gradient2: the window's latency may reach this multiple of the
	 * long-term latency before the limit falls (at least 1.0)
	 * @param queueSize gradient2: what the limit adds per window while latency holds (at
	 * least 1); the limit settles near {@code tolerance x} the provider's concurrency
	 * {@code + queueSize}
	 * @param smoothing gradient2: the share of each window's new estimate the limit takes
	 * (0.2: a fifth; 1.0: all, so the limit may halve in one window)
	 * @return the limit
	 */
	public static Limit limit(String algorithm, int initialLimit, int minLimit, int maxLimit, Duration sampleWindow,
			int samplePercentile, double tolerance, int queueSize, double smoothing) {
		Limit limit = switch (algorithm) {
			case "fixed" -> FixedLimit.of(initialLimit);
			case "vegas" -> VegasLimit.newBuilder().initialLimit(initialLimit).maxConcurrency(maxLimit).build();
			default -> Gradient2Limit.newBuilder()
				.initialLimit(initialLimit)
				.minLimit(minLimit)
				.maxConcurrency(maxLimit)
				.rttTolerance(tolerance)
				.queueSize(queueSize)
				.smoothing(smoothing)
				.build();
		};
		return windowed(limit, sampleWindow, samplePercentile);
	}

	/**
	 * The adaptive algorithm sees one latency per window of at least {@code sampleWindow}
	 * (and {@link #WINDOW_SAMPLES} samples, at most {@code max(sampleWindow, 2s)}): the
	 * window's median (or another percentile, or the average). A GC pause or a JIT
	 * compilation stalls every request for tens of milliseconds at once; in a 100 ms
	 * window of averages that reads as queueing and the limit falls, in a one-second
	 * window's median it is a few slow samples among many. Real queueing slows every
	 * request of the window, which moves the median as it moves the average.
	 */
	private static Limit windowed(Limit algorithm, Duration sampleWindow, int samplePercentile) {
		long min = sampleWindow.toNanos();
		WindowedLimit.Builder builder = WindowedLimit.newBuilder()
			.minWindowTime(min, TimeUnit.NANOSECONDS)
			.maxWindowTime(Math.max(min, TimeUnit.SECONDS.toNanos(2)), TimeUnit.NANOSECONDS)
			.windowSize(WINDOW_SAMPLES);
		if (samplePercentile > 0) {
			builder.sampleWindowFactory(
					PercentileSampleWindowFactory.of(samplePercentile / 100.0, WINDOW_SAMPLE_CAPACITY));
		}
		return builder.build(algorithm);
	}

	/**
	 * The partitioned limiter: its context is the partition name.
	 * @param name the limiter's name
	 * @param nanoClock the clock of call start times and samples
	 * @param limit the limit
	 * @param partitions each partition's guaranteed share of the limit, in percent
	 * @return the limiter
	 */
	public static AbstractLimiter<String> build(String name, LongSupplier nanoClock, Limit limit,
			Map<String, Integer> partitions) {
		Builder builder = new Builder().named(name)
			.nanoClock(nanoClock)
			.limit(limit)
			.partitionResolver((partition) -> partition);
		partitions.forEach((partition, percent) -> builder.partition(partition, percent / 100.0));
		return (AbstractLimiter<String>) builder.build();
	}

	/**
	 * One admitted call's slot: released exactly once, by whichever of completion, error
	 * or cancellation comes first; later signals do nothing. {@code onSuccess} for a
	 * completion, {@code onDropped} where the caller reads overload (the algorithm should
	 * see it), {@code onIgnore} for other errors and cancellations.
	 */
	public static final class Slot {

		private final Limiter.Listener listener;

		private final AtomicInteger inFlight;

		private final AtomicBoolean released = new AtomicBoolean();

		private volatile Throwable error;

		/**
		 * Takes the slot (counts it in flight).
		 * @param listener the limiter's listener of the acquired slot
		 * @param inFlight the in-flight count to keep
		 */
		public Slot(Limiter.Listener listener, AtomicInteger inFlight) {
			this.listener = listener;
			this.inFlight = inFlight;
			inFlight.incrementAndGet();
		}

		/**
		 * Remembers the error the call ended with (for {@link #finished}).
		 * @param error the error
		 */
		public void failed(Throwable error) {
			this.error = error;
		}

		/**
		 * Releases the slot, once.
		 * @param signal how the call ended
		 * @param overloadedAnswer on completion: whether the answer says overload
		 * @param overloadedError on error: whether the error says overload
		 */
		public void finished(SignalType signal, BooleanSupplier overloadedAnswer,
				Predicate<Throwable> overloadedError) {
			if (!this.released.compareAndSet(false, true)) {
				return;
			}
			this.inFlight.decrementAndGet();
			if (signal == SignalType.ON_COMPLETE) {
				if (overloadedAnswer.getAsBoolean()) {
					this.listener.onDropped();
				}
				else {
					this.listener.onSuccess();
				}
			}
			else if (signal == SignalType.ON_ERROR && overloadedError.test(this.error)) {
				this.listener.onDropped();
			}
			else {
				this.listener.onIgnore();
			}
		}

	}

	/** The library's partitioned limiter builder, made concrete. */
	private static final class Builder extends AbstractPartitionedLimiter.Builder<Builder, String> {

		@Override
		protected Builder self() {
			return this;
		}

	}

}
