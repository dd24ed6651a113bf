package io.ftgo.edge.composition;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import io.ftgo.edge.composition.ProviderDefinition.ConcurrencyDefinition;
import io.ftgo.edge.composition.policy.CallFailure;
import io.ftgo.edge.composition.policy.Deadline;
import io.ftgo.edge.composition.policy.ProviderLimit;
import io.ftgo.edge.composition.policy.ProviderPolicy;
import io.ftgo.edge.composition.policy.ProviderSettings;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.retry.RetryRegistry;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.scheduler.VirtualTimeScheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * A provider's concurrency limit in its policy, in virtual time, with attempts the test
 * holds open (sinks): calls over the limit are not made and fail with
 * {@code concurrency-limit}, never retried nor counted by the breaker; priorities from
 * the Reactor context; settings validated with messages naming the key.
 */
class ProviderLimitTests {

	final VirtualTimeScheduler time = VirtualTimeScheduler.create();

	final List<Sinks.One<String>> held = new ArrayList<>();

	final AtomicInteger attempts = new AtomicInteger();

	ProviderPolicy policy(ConcurrencyDefinition concurrency) {
		ProviderDefinition definition = ProviderDefinition.of(null)
			.withTimeout(Duration.ofSeconds(10))
			.withRetry(new ProviderDefinition.RetryDefinition(3, Duration.ofMillis(1), 0.0, null))
			.withConcurrency(concurrency);
		return new ProviderPolicy(ProviderSettings.from("kitchen", definition), this.time,
				CircuitBreakerRegistry.ofDefaults(), BulkheadRegistry.ofDefaults(), RetryRegistry.ofDefaults());
	}

	Mono<String> call(ProviderPolicy policy, String priority) {
		Mono<String> call = policy.guard(() -> {
			this.attempts.incrementAndGet();
			Sinks.One<String> sink = Sinks.one();
			this.held.add(sink);
			return sink.asMono();
		}, new Deadline(this.time, Duration.ofSeconds(10)), Duration.ofSeconds(10), true);
		return (priority != null) ? call.contextWrite((context) -> context.put(ProviderLimit.PRIORITY_KEY, priority))
				: call;
	}

	@Test
	void overTheLimit_notCalled_failsWithConcurrencyLimit_notRetried_breakerUntouched() {
		ProviderPolicy policy = policy(ConcurrencyDefinition.fixed(2));
		List<Object> outcomes = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			call(policy, null).subscribe(outcomes::add, outcomes::add);
		}
		assertThat(this.attempts).hasValue(2);
		assertThat(outcomes).hasSize(3)
			.allSatisfy((outcome) -> assertThat(((CallFailure) outcome).reason())
				.isEqualTo(FailureReason.CONCURRENCY_LIMIT));
		ProviderLimit limit = policy.concurrencyLimit();
		assertThat(limit.inFlight()).isEqualTo(2);
		assertThat(limit.admitted()).isEqualTo(2);
		assertThat(limit.rejected()).isEqualTo(3);
		assertThat(policy.circuitBreaker().getMetrics().getNumberOfFailedCalls()).isZero();

		// An answer gives its slot back: the next call is made.
		this.held.get(0).tryEmitValue("ok");
		assertThat(limit.inFlight()).isEqualTo(1);
		call(policy, null).subscribe(outcomes::add, outcomes::add);
		assertThat(this.attempts).hasValue(3);
		assertThat(limit.inFlight()).isEqualTo(2);
	}

	@Test
	void atTheLimit_lowPriorityGivesWayFirst() {
		ProviderPolicy policy = policy(
				ConcurrencyDefinition.fixed(4).withPartitions(Map.of("interactive", 75, "prefetch", 25)));
		List<Object> prefetch = new ArrayList<>();
		List<Object> interactive = new ArrayList<>();
		for (int i = 0; i < 6; i++) {
			call(policy, "prefetch").subscribe(prefetch::add, prefetch::add);
		}
		for (int i = 0; i < 4; i++) {
			call(policy, "interactive").subscribe(interactive::add, interactive::add);
		}
		// 4 prefetch fill the limit, 2 more are refused; interactive gets its share (3).
		assertThat(prefetch).hasSize(2);
		assertThat(interactive).hasSize(1);
		assertThat(this.attempts).hasValue(7);
	}

	@Test
	void badSettings_messageNamesTheKey() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ProviderSettings.from("kitchen",
					ProviderDefinition.of("http://k").withConcurrency(ConcurrencyDefinition.adaptive("aimd"))))
			.withMessageContaining("edge.providers.kitchen.concurrency.algorithm: aimd (expected: one of");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ProviderSettings.from("kitchen",
					ProviderDefinition.of("http://k")
						.withConcurrency(ConcurrencyDefinition.adaptive(null).withLimits(null, null, 100))))
			.withMessageContaining("edge.providers.kitchen.concurrency.max-limit: 100 (expected: at most the bulkhead");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ProviderSettings.from("kitchen",
					ProviderDefinition.of("http://k")
						.withConcurrency(ConcurrencyDefinition.adaptive(null).withLimits(null, 10, 5))))
			.withMessageContaining(
					"edge.providers.kitchen.concurrency.min-limit: 10 (expected: at most max-limit (5))");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ProviderSettings.from("kitchen",
					ProviderDefinition.of("http://k")
						.withConcurrency(ConcurrencyDefinition.fixed(4).withPartitions(Map.of("interactive", 70)))))
			.withMessageContaining("edge.providers.kitchen.concurrency.partitions: {interactive=70} (expected: "
					+ "percentages that sum to 100 (they sum to 70))");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ProviderSettings.from("kitchen",
					ProviderDefinition.of("http://k")
						.withConcurrency(new ConcurrencyDefinition(true, null, null, null, null, null,
								Duration.ofMillis(10), null, null, null, null, null))))
			.withMessageContaining(
					"edge.providers.kitchen.concurrency.retry-after: PT0.01S (expected: between 1s and 1h)");
	}

	@Test
	void defaults_offUnlessEnabled_thenGradient2From20Within4AndTheBulkhead() {
		assertThat(ProviderSettings.from("kitchen", ProviderDefinition.of("http://k")).concurrency()).isNull();
		ProviderSettings.ConcurrencySettings settings = ProviderSettings
			.from("kitchen", ProviderDefinition.of("http://k").withConcurrency(ConcurrencyDefinition.adaptive(null)))
			.concurrency();
		assertThat(settings.algorithm()).isEqualTo("gradient2");
		assertThat(settings.initialLimit()).isEqualTo(20);
		assertThat(settings.minLimit()).isEqualTo(4);
		assertThat(settings.maxLimit()).isEqualTo(64);
		assertThat(settings.retryAfterSeconds()).isEqualTo("1");
		assertThat(settings.warmUp()).hasSeconds(30);
		assertThat(settings.sampleWindow()).hasSeconds(1);
		assertThat(settings.tolerance()).isEqualTo(1.5);
		assertThat(settings.queueSize()).isEqualTo(4);
		assertThat(settings.smoothing()).isEqualTo(0.2);
	}

	@Test
	void badWarmUpAndTuning_messageNamesTheKey() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ProviderSettings.from("kitchen",
					ProviderDefinition.of("http://k")
						.withConcurrency(ConcurrencyDefinition.adaptive(null).withWarmUp(Duration.ofSeconds(-1)))))
			.withMessageContaining(
					"edge.providers.kitchen.concurrency.warm-up: PT-1S (expected: between 0s (none) and 1h)");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ProviderSettings.from("kitchen",
					ProviderDefinition.of("http://k")
						.withConcurrency(ConcurrencyDefinition.adaptive(null).withWarmUp(Duration.ofHours(2)))))
			.withMessageContaining("edge.providers.kitchen.concurrency.warm-up: PT2H (expected: between 0s");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ProviderSettings.from("kitchen",
					ProviderDefinition.of("http://k")
						.withConcurrency(ConcurrencyDefinition.adaptive(null)
							.withTuning(Duration.ofMillis(10), null, null, null))))
			.withMessageContaining(
					"edge.providers.kitchen.concurrency.sample-window: PT0.01S (expected: between 100ms and 60s");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ProviderSettings.from("kitchen",
					ProviderDefinition.of("http://k")
						.withConcurrency(ConcurrencyDefinition.adaptive(null).withTuning(null, 0.9, null, null))))
			.withMessageContaining("edge.providers.kitchen.concurrency.tolerance: 0.9 (expected: between 1.0 and 10.0");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ProviderSettings.from("kitchen",
					ProviderDefinition.of("http://k")
						.withConcurrency(ConcurrencyDefinition.adaptive(null).withTuning(null, null, 0, null))))
			.withMessageContaining("edge.providers.kitchen.concurrency.queue-size: 0 (expected: between 1 and 1000");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ProviderSettings.from("kitchen",
					ProviderDefinition.of("http://k")
						.withConcurrency(ConcurrencyDefinition.adaptive(null).withTuning(null, null, null, 0.0))))
			.withMessageContaining(
					"edge.providers.kitchen.concurrency.smoothing: 0.0 (expected: above 0 and at most 1.0");
	}

	/**
	 * Rounds of 20 calls held at once, each answered after {@code ms} of virtual time.
	 */
	void rounds(ProviderLimit limit, int rounds, long ms) {
		for (int round = 0; round < rounds; round++) {
			List<Sinks.One<String>> sinks = new ArrayList<>();
			for (int i = 0; i < 20; i++) {
				Sinks.One<String> sink = Sinks.one();
				sinks.add(sink);
				limit.limit(sink.asMono()).subscribe((value) -> {
				}, (error) -> {
				});
			}
			this.time.advanceTimeBy(Duration.ofMillis(ms));
			sinks.forEach((sink) -> sink.tryEmitValue("ok"));
		}
	}

	/**
	 * Ten seconds of 10 ms answers, then ten of 100 ms: queueing, as gradient2 reads it
	 * (and as a cold edge's slow start looks).
	 */
	void slowingDown(ProviderLimit limit) {
		rounds(limit, 1000, 10);
		rounds(limit, 100, 100);
	}

	ProviderLimit gradient2(Duration warmUp) {
		return new ProviderLimit("kitchen",
				ProviderSettings
					.from("kitchen",
							ProviderDefinition.of("http://k")
								.withConcurrency(ConcurrencyDefinition.adaptive("gradient2").withWarmUp(warmUp)))
					.concurrency(),
				this.time);
	}

	@Test
	void withoutWarmUp_slowerAnswersLowerTheLimit() {
		ProviderLimit limit = gradient2(Duration.ZERO);
		slowingDown(limit);
		assertThat(limit.currentLimit()).isLessThan(20);
	}

	@Test
	void duringTheWarmUp_theLimitIsInitialAndSamplesAreIgnored_afterItTheAlgorithmLearns() {
		ProviderLimit limit = gradient2(Duration.ofSeconds(30));
		// The same slowing down within the warm-up (20 s of the 30): the limit stays 20.
		slowingDown(limit);
		assertThat(this.time.now(java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(20);
		assertThat(limit.currentLimit()).isEqualTo(20);
		// At its end the algorithm has seen none of those samples: it starts from 20.
		this.time.advanceTimeBy(Duration.ofSeconds(10));
		assertThat(limit.currentLimit()).isEqualTo(20);
		// After it, the algorithm learns: the same slowing down lowers the limit.
		slowingDown(limit);
		assertThat(limit.currentLimit()).isLessThan(20);
		assertThat(limit.admitted() + limit.rejected()).isEqualTo(2 * 1100 * 20);
	}

	@Test
	void fixed_noWarmUp() {
		ProviderLimit limit = new ProviderLimit("kitchen",
				ProviderSettings
					.from("kitchen", ProviderDefinition.of("http://k").withConcurrency(ConcurrencyDefinition.fixed(3)))
					.concurrency(),
				this.time);
		assertThat(limit.currentLimit()).isEqualTo(3);
	}

}
