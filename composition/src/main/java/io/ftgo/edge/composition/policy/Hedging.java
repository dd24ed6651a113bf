package io.ftgo.edge.composition.policy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

import io.ftgo.edge.composition.FailureReason;
import io.ftgo.edge.composition.HedgeStats;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;
import reactor.core.publisher.SynchronousSink;
import reactor.core.scheduler.Scheduler;
import tools.jackson.databind.JsonNode;

/**
 * Hedged calls of one provider (internal): races the first attempt against at most
 * {@code max-extra} hedges, each sent one delay after the previous one, and answers the
 * first value; the others are cancelled, which closes their connections.
 *
 * <ul>
 * <li>The delay is fixed ({@code after: 80ms}) or a percentile of the provider's recent
 * latency ({@code after: p95}, never below {@code floor}; the floor alone until the
 * {@link LatencyWindow} has enough samples).</li>
 * <li>A hedge is sent only when its delay ends inside the attempt's time (the smaller of
 * the provider timeout and what is left of the request deadline), and only with a token
 * from the budget: every call deposits {@code budget} tokens (at most
 * {@value #CAPACITY}), a hedge takes one (gRPC's throttling, in its hedging form); then
 * also only when the provider's {@link RetryBudget} grants it. A hedge the retry budget
 * refuses is not sent, gives its token back, counts {@code refused} here and in the retry
 * budget, and sets the call's {@link HedgeMark#retryRefused()}.</li>
 * <li>Each leg is one attempt with its own bulkhead permit (the caller wraps it); the
 * circuit breaker wraps the whole race and so records the winner's outcome once.</li>
 * <li>A failing leg does not fail the race while another leg is in flight; when none is,
 * the race fails at once with the first failure (no waiting for a hedge not yet sent), so
 * retries behave as without hedging.</li>
 * </ul>
 */
public final class Hedging implements HedgeStats {

	/** The bucket's capacity in tokens (a burst of hedges allowed after a quiet time). */
	static final int CAPACITY = 10;

	private static final long UNIT = 10_000;

	private final ProviderSettings.Hedge settings;

	private final RetryBudget retryBudget;

	private final Scheduler scheduler;

	private final LatencyWindow latencies;

	private final long deposit;

	private final AtomicLong tokens = new AtomicLong(CAPACITY * UNIT);

	private final LongAdder sent = new LongAdder();

	private final LongAdder won = new LongAdder();

	private final LongAdder refused = new LongAdder();

	/**
	 * Create the hedging of one provider.
	 * @param settings the validated settings
	 * @param scheduler timers and clock
	 */
	public Hedging(ProviderSettings.Hedge settings, Scheduler scheduler) {
		this(settings, scheduler, null);
	}

	/**
	 * Create a provider's hedging, whose hedges also spend from its retry budget.
	 * @param settings the validated settings
	 * @param scheduler timers and clock
	 * @param retryBudget the provider's retry budget, or {@code null} for none
	 */
	public Hedging(ProviderSettings.Hedge settings, Scheduler scheduler, RetryBudget retryBudget) {
		this.retryBudget = retryBudget;
		this.settings = settings;
		this.scheduler = scheduler;
		this.latencies = (settings.percentile() != null) ? new LatencyWindow(settings.percentile()) : null;
		this.deposit = Math.max(1, Math.round(settings.budget() * UNIT));
	}

	@Override
	public long sent() {
		return this.sent.sum();
	}

	@Override
	public long won() {
		return this.won.sum();
	}

	@Override
	public long refused() {
		return this.refused.sum();
	}

	/**
	 * The delay before the first hedge now.
	 * @return nanoseconds
	 */
	public long delayNanos() {
		if (this.latencies == null) {
			return this.settings.after().toNanos();
		}
		return Math.max(this.settings.floor().toNanos(), this.latencies.percentileNanos());
	}

	/**
	 * Races an attempt against its hedges.
	 * @param leg makes one attempt (called once per leg; each subscription is one call)
	 * @param windowNanos the attempt's time: no hedge is sent at or after it
	 * @return the first value, or the first failure once no leg is left in flight
	 */
	public Mono<JsonNode> race(Supplier<Mono<JsonNode>> leg, long windowNanos) {
		return Mono.deferContextual((context) -> {
			this.tokens.getAndUpdate((t) -> Math.min(CAPACITY * UNIT, t + this.deposit));
			long delay = delayNanos();
			long start = now();
			Race race = new Race(context.getOrDefault(HedgeMark.class, null));
			List<Publisher<Event>> legs = new ArrayList<>(1 + this.settings.maxExtra());
			legs.add(leg(0, leg, start, race));
			for (int k = 1; k <= this.settings.maxExtra(); k++) {
				long at = delay * k;
				if (at >= windowNanos) {
					break;
				}
				int index = k;
				legs.add(Mono.delay(Duration.ofNanos(at), this.scheduler)
					.flatMapMany((tick) -> hedge(index, leg, race)));
			}
			if (legs.size() == 1) {
				return leg.get().doOnNext((value) -> record(start));
			}
			return Flux.merge(legs).<JsonNode>handle(race::on).next();
		});
	}

	private Flux<Event> hedge(int index, Supplier<Mono<JsonNode>> leg, Race race) {
		if (!take()) {
			this.refused.increment();
			return Flux.just(new Refused());
		}
		RetryBudget budget = this.retryBudget;
		if (budget != null && !budget.tryExtra()) {
			// The provider's retry budget (shared with retries) is spent: the hedge is
			// not sent, its token goes back to the bucket, and the part says
			// retryRefused (the budget counts it refused, as a refused retry).
			give();
			this.refused.increment();
			if (race.mark != null) {
				race.mark.refuseRetry();
			}
			return Flux.just(new Refused());
		}
		this.sent.increment();
		Mono<Event> sent = leg(index, leg, now(), race);
		return Flux.concat(Mono.just(new Launched()),
				(budget != null) ? sent.doFinally((signal) -> budget.extraEnded()) : sent);
	}

	private Mono<Event> leg(int index, Supplier<Mono<JsonNode>> leg, long started, Race race) {
		return Mono.defer(leg)
			// Once per leg: its latency when it answered; for a loser cancelled because
			// another leg answered, the time it had taken so far (a lower bound that
			// keeps
			// the tail hedging cuts visible in the window). Failures and legs cancelled
			// by
			// the attempt's timeout are not latency samples (the breaker sees those).
			.doFinally((signal) -> {
				if (signal == SignalType.ON_COMPLETE || (signal == SignalType.CANCEL && race.answered)) {
					record(started);
				}
			})
			.<Event>map((value) -> new Answered(index, value))
			.switchIfEmpty(Mono.fromSupplier(() -> new Failed(index, new CallFailure(FailureReason.BAD_PAYLOAD, 0))))
			.onErrorResume((error) -> Mono.just(new Failed(index, error)));
	}

	private boolean take() {
		long before = this.tokens.getAndUpdate((t) -> (t >= UNIT) ? t - UNIT : t);
		return before >= UNIT;
	}

	/** Gives back the token of a hedge that was not sent after all. */
	private void give() {
		this.tokens.getAndUpdate((t) -> Math.min(CAPACITY * UNIT, t + UNIT));
	}

	private void record(long started) {
		if (this.latencies != null) {
			this.latencies.record(now() - started);
		}
	}

	private long now() {
		return this.scheduler.now(TimeUnit.NANOSECONDS);
	}

	/** One race's state; signals arrive serialized by {@code Flux.merge}. */
	private final class Race {

		private final HedgeMark mark;

		private int inFlight = 1;

		private volatile boolean answered;

		private Throwable firstFailure;

		private Throwable firstAttemptFailure;

		Race(HedgeMark mark) {
			this.mark = mark;
		}

		void on(Event event, SynchronousSink<JsonNode> sink) {
			if (event instanceof Answered answer) {
				this.answered = true;
				if (answer.index() > 0) {
					Hedging.this.won.increment();
					if (this.mark != null) {
						this.mark.set();
					}
				}
				sink.next(answer.value());
			}
			else if (event instanceof Launched) {
				this.inFlight++;
			}
			else if (event instanceof Failed failed) {
				this.inFlight--;
				if (this.firstFailure == null) {
					this.firstFailure = failed.error();
				}
				if (failed.index() == 0) {
					this.firstAttemptFailure = failed.error();
				}
				if (this.inFlight == 0) {
					// The first attempt's own failure when it has one: a hedge refused by
					// a full bulkhead must not hide the provider's error (which the
					// breaker counts and a retry may act on).
					sink.error((this.firstAttemptFailure != null) ? this.firstAttemptFailure : this.firstFailure);
				}
			}
		}

	}

	private sealed interface Event permits Answered, Launched, Failed, Refused {

	}

	private record Answered(int index, JsonNode value) implements Event {
	}

	private record Launched() implements Event {
	}

	private record Failed(int index, Throwable error) implements Event {
	}

	private record Refused() implements Event {
	}

}
