package io.ftgo.edge.composition.policy;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

import com.netflix.concurrency.limits.Limit;
import com.netflix.concurrency.limits.Limiter;
import com.netflix.concurrency.limits.limiter.AbstractLimiter;
import io.ftgo.edge.composition.FailureReason;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * One provider's adaptive concurrency limit ({@code edge.providers.<id>.concurrency}),
 * from Netflix concurrency-limits, on its calls in flight, client side (as Envoy's
 * adaptive concurrency, per upstream): each attempt asks for a slot when it is subscribed
 * to, below the bulkhead; without one it is not sent and fails at once with
 * {@link FailureReason#CONCURRENCY_LIMIT}. The algorithm learns the limit from the
 * latency of the provider's answers, so the queue that forms when a provider slows down
 * stays at the edge's side, where it is shed, rather than at the provider.
 * <p>
 * Priorities carry through: a call is put in the partition its request was given by the
 * BFF-wide limit (the Reactor context key {@link #PRIORITY_KEY}); at the limit, each
 * partition is admitted only within its guaranteed share, so low-priority traffic gives
 * way first here too. A call without a priority, or with one not listed, counts in the
 * first partition.
 * <p>
 * A slot is released exactly once: {@code onSuccess} for an answer, {@code onDropped} for
 * a timeout or a 503/429 (the provider is overloaded), {@code onIgnore} for other errors
 * and cancellations. Nothing blocks: acquiring is counters and CAS, and the algorithm is
 * wrapped in the library's windowed limit ({@link PartitionedLimiters}; windows of the
 * median latency, one second by default, so a GC pause does not read as queueing).
 * <p>
 * For {@code warm-up} after it is built (30 s by default) the limit is
 * {@code initial-limit}, fixed, and the algorithm is told no sample ({@link WarmUpLimit},
 * as the BFF-wide limit's): a cold edge answers slowly (the JIT compiles, caches are
 * empty), which the algorithm would read as queueing at the provider. Its clock is the
 * scheduler's, so tests run the warm-up in virtual time.
 */
public final class ProviderLimit {

	/**
	 * The Reactor context key of a request's priority partition (a {@code String}),
	 * written by the BFF-wide limit.
	 */
	public static final String PRIORITY_KEY = "io.ftgo.edge.priority";

	private static final String DEFAULT_PARTITION = "default";

	private final AbstractLimiter<String> limiter;

	private final String firstPartition;

	private final Map<String, Integer> partitions;

	private final AtomicInteger inFlight = new AtomicInteger();

	private final LongAdder admitted = new LongAdder();

	private final LongAdder rejected = new LongAdder();

	private final ProviderSettings.ConcurrencySettings settings;

	/**
	 * @param provider the provider id (the limiter's name)
	 * @param settings validated settings
	 * @param scheduler the clock of latency samples (virtual in tests)
	 */
	public ProviderLimit(String provider, ProviderSettings.ConcurrencySettings settings, Scheduler scheduler) {
		this.settings = settings;
		this.partitions = settings.partitions().isEmpty() ? Map.of(DEFAULT_PARTITION, 100) : settings.partitions();
		this.firstPartition = this.partitions.keySet().iterator().next();
		LongSupplier clock = () -> scheduler.now(TimeUnit.NANOSECONDS);
		// windows of the median latency, as the BFF-wide limit's default
		Limit limit = PartitionedLimiters.limit(settings.algorithm(), settings.initialLimit(), settings.minLimit(),
				settings.maxLimit(), settings.sampleWindow(), 50, settings.tolerance(), settings.queueSize(),
				settings.smoothing());
		if (!"fixed".equals(settings.algorithm())) {
			// a cold edge's slow answers are not queueing at the provider
			limit = WarmUpLimit.of(limit, settings.initialLimit(), settings.warmUp(), clock);
		}
		this.limiter = PartitionedLimiters.build("provider-" + provider, clock, limit, this.partitions);
	}

	/**
	 * The call under the limit: a slot is taken when it is subscribed to, else it fails
	 * at once with {@code concurrency-limit} and nothing is sent.
	 * @param <T> what the call yields
	 * @param call one attempt
	 * @return the limited attempt
	 */
	public <T> Mono<T> limit(Mono<T> call) {
		return Mono.deferContextual((context) -> {
			String priority = context.getOrDefault(PRIORITY_KEY, null);
			String partition = (priority != null && this.partitions.containsKey(priority)) ? priority
					: this.firstPartition;
			Optional<Limiter.Listener> listener = this.limiter.acquire(partition);
			if (listener.isEmpty()) {
				this.rejected.increment();
				return Mono.error(new CallFailure(FailureReason.CONCURRENCY_LIMIT, 0));
			}
			this.admitted.increment();
			PartitionedLimiters.Slot slot = new PartitionedLimiters.Slot(listener.get(), this.inFlight);
			return call.doOnError(slot::failed)
				.doFinally((signal) -> slot.finished(signal, () -> false, ProviderLimit::overloaded));
		});
	}

	/**
	 * The current limit.
	 * @return the limit
	 */
	public int currentLimit() {
		return this.limiter.getLimit();
	}

	/**
	 * Admitted calls not yet finished.
	 * @return the count
	 */
	public int inFlight() {
		return this.inFlight.get();
	}

	/**
	 * Calls admitted since start.
	 * @return the count
	 */
	public long admitted() {
		return this.admitted.sum();
	}

	/**
	 * Calls refused since start (not sent).
	 * @return the count
	 */
	public long rejected() {
		return this.rejected.sum();
	}

	/**
	 * The validated settings.
	 * @return the settings
	 */
	public ProviderSettings.ConcurrencySettings settings() {
		return this.settings;
	}

	/** A timeout or a 503/429: the provider is overloaded. */
	private static boolean overloaded(Throwable error) {
		CallFailure failure = Failures.classify(error);
		return failure.reason() == FailureReason.TIMEOUT || (failure.reason() == FailureReason.HTTP_STATUS
				&& (failure.httpStatus() == 503 || failure.httpStatus() == 429));
	}

}
