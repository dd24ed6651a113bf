package io.ftgo.edge.composition.policy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.ftgo.edge.composition.ProviderClient;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.retry.RetryRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.reactor.bulkhead.operator.BulkheadOperator;
import io.github.resilience4j.reactor.circuitbreaker.operator.CircuitBreakerOperator;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import tools.jackson.databind.JsonNode;

/**
 * One provider's protections, applied to every call to it as operators: composed parts,
 * GraphQL fields and proxied routes share one instance per provider (one breaker, one
 * bulkhead, one retry, named by the provider id), whatever the transport. Per attempt
 * {@code timeout(min(provider timeout, time left))}, then the provider's concurrency
 * limit ({@link ProviderLimit}, when enabled), then the bulkhead, then the circuit
 * breaker; around the attempts, bounded retries with backoff and jitter (idempotent calls
 * only) and the request deadline. Every error leaves as a {@link CallFailure}. Each
 * attempt finds its time budget in its Reactor context
 * ({@link ProviderClient#ATTEMPT_TIMEOUT}): the gRPC transport sends it as the call's
 * deadline. A gRPC provider's calls are retried only on {@code UNAVAILABLE}.
 *
 * <p>
 * The breaker, bulkhead and retry are taken from the engine's resilience4j registries,
 * named by the provider id, so registry consumers (the Micrometer binders) see them. The
 * retry's attempts are driven here (the backoff never sleeps past the deadline); its
 * {@link Retry.AsyncContext} records each call's outcome for the retry metrics. A
 * provider with {@code hedge} races each attempt of an idempotent call against its hedges
 * ({@link Hedging}). {@link #guard} protects a call of any type (a proxied exchange, a
 * gRPC call) with the same objects, without hedging. Obtain a provider's policy from
 * {@code CompositionEngine#policy}.
 */
public final class ProviderPolicy {

	private final ProviderSettings settings;

	private final Scheduler scheduler;

	private final CircuitBreaker circuitBreaker;

	private final Bulkhead bulkhead;

	private final Retry retry;

	private final Hedging hedging;

	private final RetryBudget retryBudget;

	private final ProviderLimit limit;

	private final AdmissionControl admission;

	@SuppressWarnings("rawtypes")
	private final BulkheadOperator bulkheadOperator;

	@SuppressWarnings("rawtypes")
	private final CircuitBreakerOperator circuitBreakerOperator;

	/**
	 * Create the policies of one provider; the breaker and bulkhead are named by its id.
	 * @param settings the provider settings
	 * @param scheduler the timer and clock (virtual in tests)
	 * @param breakers the engine's circuit breakers
	 * @param bulkheads the engine's bulkheads
	 * @param retries the engine's retries
	 */
	public ProviderPolicy(ProviderSettings settings, Scheduler scheduler, CircuitBreakerRegistry breakers,
			BulkheadRegistry bulkheads, RetryRegistry retries) {
		this.settings = settings;
		this.scheduler = scheduler;
		CircuitBreakerConfig cbConfig = CircuitBreakerConfig.custom()
			.failureRateThreshold(settings.failureRateThreshold())
			.slidingWindowSize(settings.slidingWindowSize())
			.minimumNumberOfCalls(settings.minimumNumberOfCalls())
			.waitDurationInOpenState(settings.waitInOpenState())
			.permittedNumberOfCallsInHalfOpenState(settings.permittedCallsInHalfOpenState())
			.recordException((e) -> e instanceof CallFailure f && f.providerFault())
			.ignoreException((e) -> !(e instanceof CallFailure f && f.providerFault()))
			.clock(new SchedulerClock(scheduler))
			.currentTimestampFunction((clock) -> scheduler.now(TimeUnit.NANOSECONDS), TimeUnit.NANOSECONDS)
			.build();
		this.circuitBreaker = breakers.circuitBreaker(settings.id(), cbConfig);
		this.bulkhead = bulkheads.bulkhead(settings.id(),
				BulkheadConfig.custom()
					.maxConcurrentCalls(settings.maxConcurrentCalls())
					.maxWaitDuration(Duration.ZERO)
					.build());
		this.retry = retries.retry(settings.id(), RetryConfig.custom()
			.maxAttempts(settings.maxAttempts())
			.retryOnException(
					(e) -> e instanceof CallFailure f && (settings.isGrpc() ? f.retryableOverGrpc() : f.retryable()))
			.build());
		this.bulkheadOperator = BulkheadOperator.of(this.bulkhead);
		this.circuitBreakerOperator = CircuitBreakerOperator.of(this.circuitBreaker);
		this.retryBudget = (settings.retryBudget() != null) ? new RetryBudget(settings.retryBudget(), scheduler) : null;
		this.hedging = (settings.hedge() != null) ? new Hedging(settings.hedge(), scheduler, this.retryBudget) : null;
		this.limit = (settings.concurrency() != null)
				? new ProviderLimit(settings.id(), settings.concurrency(), scheduler) : null;
		this.admission = (settings.admission() != null) ? new AdmissionControl(settings.admission(), scheduler) : null;
	}

	/**
	 * The provider's admission control (for metrics and tests).
	 * @return it, or {@code null} when disabled
	 */
	public AdmissionControl admissionControl() {
		return this.admission;
	}

	/**
	 * The provider's adaptive concurrency limit (for metrics and tests).
	 * @return the limit, or {@code null} when disabled
	 */
	public ProviderLimit concurrencyLimit() {
		return this.limit;
	}

	/**
	 * The provider's hedging (for metrics and tests).
	 * @return the hedging, or {@code null} when the provider hedges none
	 */
	public Hedging hedging() {
		return this.hedging;
	}

	/**
	 * The provider's retry budget (for metrics and tests).
	 * @return the budget, or {@code null} when disabled
	 */
	public RetryBudget retryBudget() {
		return this.retryBudget;
	}

	/**
	 * The provider's circuit breaker (for metrics and tests).
	 * @return the breaker
	 */
	public CircuitBreaker circuitBreaker() {
		return this.circuitBreaker;
	}

	/**
	 * The provider's bulkhead (for metrics and tests).
	 * @return the bulkhead
	 */
	public Bulkhead bulkhead() {
		return this.bulkhead;
	}

	/**
	 * The provider's validated settings.
	 * @return the settings
	 */
	public ProviderSettings settings() {
		return this.settings;
	}

	/**
	 * Starts a deadline now, on this policy's clock (the engine's scheduler).
	 * @param budget the time allowed
	 * @return the deadline
	 */
	public Deadline deadline(Duration budget) {
		return new Deadline(this.scheduler, budget);
	}

	/**
	 * Protects a call: each subscription to {@code attempt} is one attempt.
	 * @param attempt makes one attempt (called per attempt)
	 * @param deadline the request deadline
	 * @param idempotent whether the call may be retried
	 * @return the protected call; errors are {@link CallFailure}s
	 */
	public Mono<JsonNode> protect(Supplier<Mono<JsonNode>> attempt, Deadline deadline, boolean idempotent) {
		if (idempotent && this.hedging != null) {
			Mono<JsonNode> attempts = hedgedAttempt(attempt, deadline);
			return admitted(counted((this.settings.maxAttempts() > 1) ? retried(attempts, deadline)
					: attempts.onErrorMap(Failures::classify)));
		}
		return guard(attempt, deadline, this.settings.timeout(), idempotent);
	}

	/** The call counts in the retry budget (its rate and its calls in flight). */
	private <T> Mono<T> counted(Mono<T> call) {
		RetryBudget budget = this.retryBudget;
		if (budget == null) {
			return call;
		}
		return Mono.defer(() -> {
			budget.callStarted();
			return call.doFinally((signal) -> budget.callEnded());
		});
	}

	/**
	 * Protects a call of any kind and transport (a proxied exchange, a gRPC call, a
	 * composed part): the same breaker, bulkhead and retries as {@link #protect}, without
	 * hedging. Per attempt {@code timeout(min(attemptTimeout, time left))}, then the
	 * bulkhead, then the breaker (which records timeouts, connection failures, 5xx and
	 * bad payloads: {@link CallFailure#providerFault()}); around the attempts, bounded
	 * retries with backoff and jitter for idempotent calls only, never past the deadline.
	 * An attempt reports a provider's failure answer by failing with a
	 * {@link CallFailure} of reason {@code http-status}.
	 * @param <T> what an attempt yields
	 * @param attempt makes one attempt (called per attempt)
	 * @param deadline the call's deadline
	 * @param attemptTimeout the longest one attempt may take (the provider's
	 * {@code timeout} for composed calls)
	 * @param idempotent whether the call may be retried
	 * @return the protected call; errors are {@link CallFailure}s
	 */
	public <T> Mono<T> guard(Supplier<Mono<T>> attempt, Deadline deadline, Duration attemptTimeout,
			boolean idempotent) {
		long attemptNanos = attemptTimeout.toNanos();
		Mono<T> attempts = Mono.<T>defer(() -> {
			long left = deadline.remainingNanos();
			if (left <= 0) {
				return Mono.error(new CallFailure(io.ftgo.edge.composition.FailureReason.TIMEOUT, 0));
			}
			Duration timeout = Duration.ofNanos(Math.min(attemptNanos, left));
			return attempt.get()
				.contextWrite((context) -> context.put(ProviderClient.ATTEMPT_TIMEOUT, timeout))
				.timeout(timeout, this.scheduler)
				.onErrorMap(Failures::classify)
				.contextWrite(Deadline.forAttempt(new Deadline(this.scheduler, timeout)));
		}).transformDeferred(this::limited).transformDeferred(this::bulkheaded).transformDeferred(this::broken);
		if (idempotent && this.settings.maxAttempts() > 1) {
			return admitted(counted(retried(attempts, deadline)));
		}
		return admitted(counted(attempts.onErrorMap(Failures::classify)));
	}

	/** Around the whole call: the provider's admission control, when enabled. */
	private <T> Mono<T> admitted(Mono<T> call) {
		return (this.admission != null) ? this.admission.admit(call) : call;
	}

	/** Below the bulkhead: the provider's concurrency limit, when it has one. */
	private <T> Mono<T> limited(Mono<T> call) {
		return (this.limit != null) ? this.limit.limit(call) : call;
	}

	@SuppressWarnings("unchecked")
	private <T> Mono<T> bulkheaded(Mono<T> call) {
		return Mono.from((org.reactivestreams.Publisher<T>) this.bulkheadOperator.apply(call));
	}

	@SuppressWarnings("unchecked")
	private <T> Mono<T> broken(Mono<T> call) {
		return Mono.from((org.reactivestreams.Publisher<T>) this.circuitBreakerOperator.apply(call));
	}

	private <T> Mono<T> retried(Mono<T> attempts, Deadline deadline) {
		return Mono.defer(() -> {
			Retry.AsyncContext<T> context = this.retry.asyncContext();
			return retrying(attempts, attempts, deadline, 0, context).doOnSuccess((value) -> context.onComplete());
		});
	}

	/**
	 * One hedged attempt: the race of {@link Hedging} under one timeout (the provider
	 * timeout capped by the deadline; no hedge is sent at or after it, and it cancels
	 * every leg still running), each leg holding its own bulkhead permit, the whole race
	 * inside the circuit breaker (one outcome recorded: the winner's, or the failure).
	 */
	private Mono<JsonNode> hedgedAttempt(Supplier<Mono<JsonNode>> attempt, Deadline deadline) {
		Supplier<Mono<JsonNode>> leg = () -> bulkheaded(limited(attempt.get()));
		return Mono.defer(() -> {
			long left = deadline.remainingNanos();
			if (left <= 0) {
				return Mono.error(new CallFailure(io.ftgo.edge.composition.FailureReason.TIMEOUT, 0));
			}
			long window = Math.min(this.settings.timeout().toNanos(), left);
			return this.hedging.race(leg, window)
				.contextWrite((context) -> context.put(ProviderClient.ATTEMPT_TIMEOUT, Duration.ofNanos(window)))
				.timeout(Duration.ofNanos(window), this.scheduler)
				.onErrorMap(Failures::classify)
				.contextWrite(Deadline.forAttempt(new Deadline(this.scheduler, Duration.ofNanos(window))));
		}).transformDeferred(this::broken);
	}

	/**
	 * Exponential backoff with jitter that never sleeps past the deadline: when the next
	 * backoff would end after it, the call fails at once with its last failure (so the
	 * answer says why the provider failed, not that time ran out waiting to retry). Built
	 * lazily on the first failure: a call that succeeds pays one {@code onErrorResume}.
	 */
	private <T> Mono<T> retrying(Mono<T> attempts, Mono<T> current, Deadline deadline, int retries,
			Retry.AsyncContext<T> context) {
		return current.onErrorResume((error) -> {
			CallFailure failure = Failures.classify(error);
			if (context.onError(failure) < 0) {
				return Mono.error(failure);
			}
			long backoff = this.settings.backoff().toNanos() << Math.min(retries, 30);
			double jitter = this.settings.jitter();
			if (jitter > 0) {
				backoff += (long) (backoff * jitter * (2 * ThreadLocalRandom.current().nextDouble() - 1));
			}
			if (backoff >= deadline.remainingNanos()) {
				return Mono.error(failure);
			}
			return Mono.delay(Duration.ofNanos(Math.max(backoff, 0)), this.scheduler)
				.then(Mono.deferContextual((ctx) -> {
					RetryBudget budget = this.retryBudget;
					if (budget == null) {
						return retrying(attempts, attempts, deadline, retries + 1, context);
					}
					if (!budget.tryExtra()) {
						// Refused by the provider's retry budget: not sent; the call
						// fails with its real failure.
						HedgeMark mark = ctx.getOrDefault(HedgeMark.class, null);
						if (mark != null) {
							mark.refuseRetry();
						}
						return Mono.error(failure);
					}
					return retrying(attempts, attempts.doFinally((signal) -> budget.extraEnded()), deadline,
							retries + 1, context);
				}));
		});
	}

	/** The scheduler's clock as a {@link Clock}, so the breaker runs on virtual time. */
	private static final class SchedulerClock extends Clock {

		private final Scheduler scheduler;

		SchedulerClock(Scheduler scheduler) {
			this.scheduler = scheduler;
		}

		@Override
		public ZoneId getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(ZoneId zone) {
			return this;
		}

		@Override
		public long millis() {
			return this.scheduler.now(TimeUnit.MILLISECONDS);
		}

		@Override
		public Instant instant() {
			return Instant.ofEpochMilli(millis());
		}

	}

}
