package io.ftgo.edge.composition.policy;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.DoubleSupplier;

import io.ftgo.edge.composition.FailureReason;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;
import reactor.core.scheduler.Scheduler;

/**
 * Client-side throttling of one provider (the SRE book, "Handling Overload"; Envoy's
 * admission-control filter): over a sliding {@code window}, each call is refused with
 * probability {@code min(max-rejection, max(0, (requests - k * accepts) / (requests +
 * 1)))}, where {@code requests} counts every call asked for (refused ones included) and
 * {@code accepts} the calls the provider answered without a provider fault. While the
 * provider succeeds, {@code requests <= k * accepts} and nothing is refused; as its
 * success rate falls below {@code 1/k}, a growing share of calls is refused at the edge
 * before the breaker opens, and every refusal raises {@code requests}, not
 * {@code accepts}, so the share follows the provider's real success rate.
 * <p>
 * A refused call is not sent and fails with {@link FailureReason#THROTTLED}. The window
 * is one-second buckets on the engine's clock; the random draw is injectable (tests).
 * Thread-safe: the buckets are guarded by this object's monitor, held for a few field
 * updates only.
 */
public final class AdmissionControl {

	private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

	private final ProviderSettings.AdmissionSettings settings;

	private final Scheduler scheduler;

	private final DoubleSupplier random;

	private final int buckets;

	private final long[] requests;

	private final long[] accepts;

	private final long[] second;

	private final LongAdder refused = new LongAdder();

	/**
	 * @param settings validated settings
	 * @param scheduler the clock
	 */
	public AdmissionControl(ProviderSettings.AdmissionSettings settings, Scheduler scheduler) {
		this(settings, scheduler, () -> ThreadLocalRandom.current().nextDouble());
	}

	/**
	 * @param settings validated settings
	 * @param scheduler the clock
	 * @param random draws in [0, 1)
	 */
	public AdmissionControl(ProviderSettings.AdmissionSettings settings, Scheduler scheduler, DoubleSupplier random) {
		this.settings = settings;
		this.scheduler = scheduler;
		this.random = random;
		this.buckets = (int) Math.max(1, settings.window().toSeconds());
		this.requests = new long[this.buckets];
		this.accepts = new long[this.buckets];
		this.second = new long[this.buckets];
		java.util.Arrays.fill(this.second, Long.MIN_VALUE);
	}

	/**
	 * The call under admission control: decided when subscribed to; a refused call is not
	 * made.
	 * @param <T> what the call yields
	 * @param call the call (all its attempts)
	 * @return the controlled call
	 */
	public <T> Mono<T> admit(Mono<T> call) {
		return Mono.defer(() -> {
			double p = requested();
			if (p > 0 && this.random.getAsDouble() < p) {
				this.refused.increment();
				return Mono.error(new CallFailure(FailureReason.THROTTLED, 0));
			}
			boolean[] failed = { false };
			return call.doOnError((error) -> failed[0] = Failures.classify(error).providerFault())
				.doFinally((signal) -> {
					if (signal == SignalType.ON_COMPLETE || (signal == SignalType.ON_ERROR && !failed[0])) {
						accepted();
					}
				});
		});
	}

	/**
	 * The rejection probability now.
	 * @return in [0, max-rejection]
	 */
	public synchronized double probability() {
		long now = currentSecond();
		long r = 0;
		long a = 0;
		for (int i = 0; i < this.buckets; i++) {
			if (now - this.second[i] < this.buckets) {
				r += this.requests[i];
				a += this.accepts[i];
			}
		}
		double p = Math.max(0, (r - this.settings.k() * a) / (r + 1.0));
		return Math.min(this.settings.maxRejection(), p);
	}

	/**
	 * Calls refused since start (not sent).
	 * @return the count
	 */
	public long refused() {
		return this.refused.sum();
	}

	private synchronized double requested() {
		double p = probability();
		this.requests[index()]++;
		return p;
	}

	private synchronized void accepted() {
		int i = index();
		this.accepts[i]++;
	}

	private int index() {
		long now = currentSecond();
		int i = (int) Math.floorMod(now, (long) this.buckets);
		if (this.second[i] != now) {
			this.second[i] = now;
			this.requests[i] = 0;
			this.accepts[i] = 0;
		}
		return i;
	}

	private long currentSecond() {
		return Math.floorDiv(this.scheduler.now(TimeUnit.NANOSECONDS), SECOND);
	}

}
