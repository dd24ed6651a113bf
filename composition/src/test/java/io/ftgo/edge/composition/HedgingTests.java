package io.ftgo.edge.composition;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.ftgo.edge.composition.policy.LatencyWindow;
import io.ftgo.edge.composition.policy.ProviderSettings;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.scheduler.VirtualTimeScheduler;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Hedging on virtual time (idempotent in-memory sources; each subscription of the source
 * is one call, its start time recorded): when hedges start, when the part answers, the
 * deadline, failures, the latency percentile, validation and the explain view.
 */
class HedgingTests {

	private static final JsonMapper MAPPER = JsonMapper.builder().build();

	private final VirtualTimeScheduler time = VirtualTimeScheduler.create();

	/** Start times (virtual ms) of the source's calls. */
	private final List<Long> starts = new ArrayList<>();

	private ProviderRegistry registry(ProviderDefinition.HedgeDefinition hedge) {
		return ProviderRegistry.of(Map.of("delivery",
				ProviderDefinition.of(null)
					.withTimeout(Duration.ofSeconds(5))
					.withRetry(new ProviderDefinition.RetryDefinition(1, null, null, null))
					.withHedge(hedge)));
	}

	private CompositionEngine engine(ProviderRegistry registry) {
		return CompositionEngine.builder(registry).scheduler(this.time).build();
	}

	/** A source whose n-th call (from 0) answers after {@code latencies[n]} ms. */
	private PartSource source(long... latencies) {
		return (ctx) -> Mono.defer(() -> {
			int n = this.starts.size();
			this.starts.add(this.time.now(TimeUnit.MILLISECONDS));
			long latency = (n < latencies.length) ? latencies[n] : latencies[latencies.length - 1];
			if (latency < 0) {
				return Mono.<JsonNode>error(new java.io.IOException("reset"));
			}
			return Mono.delay(Duration.ofMillis(latency), this.time)
				.map((tick) -> (JsonNode) MAPPER.readTree("{\"call\":" + n + "}"));
		});
	}

	private Composition page(ProviderRegistry registry, Duration deadline, PartSource source) {
		return Composition.builder("delivery-page")
			.request("GET /api/deliveries/{orderId}")
			.timeout(deadline)
			.part("delivery", (p) -> p.from("delivery").uses("orderId").idempotent(true).source(source))
			.build(registry);
	}

	private CompositionResult run(CompositionEngine engine, Composition page, long advanceMillis) {
		List<CompositionResult> results = new ArrayList<>();
		engine.execute(page, CompositionRequest.of(Map.of("orderId", "7001"))).subscribe(results::add);
		this.time.advanceTimeBy(Duration.ofMillis(advanceMillis));
		assertThat(results).hasSize(1);
		return results.get(0);
	}

	@Test
	void slowFirstCall_answeredByTheHedge_atHedgeDelayPlusTheFastAnswer() {
		ProviderRegistry registry = registry(ProviderDefinition.HedgeDefinition.after(Duration.ofMillis(50)));
		CompositionEngine engine = engine(registry);
		Composition page = page(registry, Duration.ofSeconds(2), source(1000, 10));

		List<CompositionResult> results = new ArrayList<>();
		engine.execute(page, CompositionRequest.of(Map.of("orderId", "7001"))).subscribe(results::add);
		this.time.advanceTimeBy(Duration.ofMillis(59));
		assertThat(results).isEmpty();
		this.time.advanceTimeBy(Duration.ofMillis(1));

		assertThat(results).hasSize(1);
		CompositionResult result = results.get(0);
		assertThat(result.body().path("delivery").path("call").asInt()).isEqualTo(1);
		assertThat(result.parts().get("delivery").hedged()).isTrue();
		assertThat(result.parts().get("delivery").duration()).isEqualTo(Duration.ofMillis(60));
		assertThat(this.starts).containsExactly(0L, 50L);
	}

	@Test
	void firstCallAnswersFirst_evenAfterAHedgeWasSent_notHedged() {
		ProviderRegistry registry = registry(ProviderDefinition.HedgeDefinition.after(Duration.ofMillis(50)));
		CompositionEngine engine = engine(registry);

		CompositionResult result = run(engine, page(registry, Duration.ofSeconds(2), source(80, 500)), 100);

		assertThat(result.body().path("delivery").path("call").asInt()).isZero();
		assertThat(result.parts().get("delivery").hedged()).isFalse();
		assertThat(this.starts).containsExactly(0L, 50L);
		assertThat(engine.hedges("delivery").sent()).isEqualTo(1);
		assertThat(engine.hedges("delivery").won()).isZero();
	}

	@Test
	void maxExtraTwo_hedgesOneDelayApart_andNoneAtOrAfterTheDeadline() {
		ProviderRegistry registry = registry(
				ProviderDefinition.HedgeDefinition.after(Duration.ofMillis(100)).withMaxExtra(2));

		CompositionResult three = run(engine(registry), page(registry, Duration.ofMillis(250), source(10_000)), 5_000);
		assertThat(three.parts().get("delivery").reason()).isEqualTo(FailureReason.TIMEOUT);
		assertThat(this.starts).containsExactly(0L, 100L, 200L);

		this.starts.clear();
		long t0 = this.time.now(TimeUnit.MILLISECONDS);
		CompositionResult two = run(engine(registry), page(registry, Duration.ofMillis(200), source(10_000)), 5_000);
		assertThat(two.parts().get("delivery").reason()).isEqualTo(FailureReason.TIMEOUT);
		// The second hedge would start at 200 ms: at the deadline, so never.
		assertThat(this.starts).containsExactly(t0, t0 + 100);
	}

	/**
	 * A provider whose retry budget grants nothing (no share of calls, nothing per
	 * second): the hedge is refused by the budget the retries share.
	 */
	private ProviderRegistry exhaustedRetryBudget(ProviderDefinition.HedgeDefinition hedge) {
		return ProviderRegistry.of(Map.of("delivery",
				ProviderDefinition.of(null)
					.withTimeout(Duration.ofSeconds(5))
					.withRetry(new ProviderDefinition.RetryDefinition(1, null, null,
							new ProviderDefinition.RetryBudgetDefinition(null, 0.0, 0.0, null, null, null)))
					.withHedge(hedge)));
	}

	@Test
	void hedgeRefusedByAnExhaustedRetryBudget_notSent_partSaysRetryRefused_countedInBoth() {
		ProviderRegistry registry = exhaustedRetryBudget(
				ProviderDefinition.HedgeDefinition.after(Duration.ofMillis(50)));
		CompositionEngine engine = engine(registry);

		CompositionResult result = run(engine, page(registry, Duration.ofSeconds(2), source(300, 10)), 300);

		PartMetadata delivery = result.parts().get("delivery");
		// The first call's answer, after its own 300 ms: the hedge due at 50 ms was not
		// sent.
		assertThat(delivery.status()).isEqualTo(PartStatus.FRESH);
		assertThat(result.body().path("delivery").path("call").asInt()).isZero();
		assertThat(delivery.hedged()).isFalse();
		assertThat(delivery.retryRefused()).isTrue();
		assertThat(this.starts).containsExactly(0L);
		assertThat(engine.hedges("delivery").sent()).isZero();
		assertThat(engine.hedges("delivery").refused()).isEqualTo(1);
		assertThat(engine.retries("delivery").sent()).isZero();
		assertThat(engine.retries("delivery").refused()).isEqualTo(1);
	}

	@Test
	void hedgeRefusedByTheRetryBudget_givesItsHedgeTokenBack() {
		// 1%: the hedge bucket's 10 starting tokens pay for 10 hedges, 11 calls deposit
		// 0.11. Were the tokens of hedges the retry budget refused spent, the 11th hedge
		// would find none and never ask the retry budget.
		ProviderRegistry registry = exhaustedRetryBudget(
				ProviderDefinition.HedgeDefinition.after(Duration.ofMillis(50)).withBudget(0.01));
		CompositionEngine engine = engine(registry);
		Composition page = page(registry, Duration.ofSeconds(2), source(300));

		for (int i = 0; i < 11; i++) {
			assertThat(run(engine, page, 300).parts().get("delivery").retryRefused()).isTrue();
		}

		assertThat(this.starts).hasSize(11);
		assertThat(engine.retries("delivery").refused()).isEqualTo(11);
		assertThat(engine.hedges("delivery").refused()).isEqualTo(11);
	}

	@Test
	void hedgeWithinTheRetryBudget_sent_partNotRetryRefused() {
		ProviderRegistry registry = registry(ProviderDefinition.HedgeDefinition.after(Duration.ofMillis(50)));
		CompositionEngine engine = engine(registry);

		CompositionResult result = run(engine, page(registry, Duration.ofSeconds(2), source(300, 10)), 60);

		assertThat(result.parts().get("delivery").hedged()).isTrue();
		assertThat(result.parts().get("delivery").retryRefused()).isFalse();
		assertThat(this.starts).containsExactly(0L, 50L);
		// The hedge is spent from both: the hedge bucket and the retry budget.
		assertThat(engine.hedges("delivery").sent()).isEqualTo(1);
		assertThat(engine.retries("delivery").sent()).isEqualTo(1);
		assertThat(engine.retries("delivery").refused()).isZero();
	}

	@Test
	void firstCallFailsBeforeTheHedgeIsDue_failsAtOnceWithoutAHedge() {
		ProviderRegistry registry = registry(ProviderDefinition.HedgeDefinition.after(Duration.ofMillis(100)));
		CompositionEngine engine = engine(registry);

		CompositionResult result = run(engine, page(registry, Duration.ofSeconds(2), source(-1, 10)), 5);

		assertThat(result.parts().get("delivery").reason()).isEqualTo(FailureReason.CONNECT);
		this.time.advanceTimeBy(Duration.ofSeconds(1));
		assertThat(this.starts).containsExactly(0L);
	}

	@Test
	void hedgeFails_firstCallStillAnswers() {
		ProviderRegistry registry = registry(ProviderDefinition.HedgeDefinition.after(Duration.ofMillis(50)));
		CompositionEngine engine = engine(registry);

		CompositionResult result = run(engine, page(registry, Duration.ofSeconds(2), source(300, -1)), 300);

		assertThat(result.parts().get("delivery").status()).isEqualTo(PartStatus.FRESH);
		assertThat(result.parts().get("delivery").hedged()).isFalse();
		assertThat(this.starts).containsExactly(0L, 50L);
		assertThat(engine.circuitBreaker("delivery").getMetrics().getNumberOfFailedCalls()).isZero();
		assertThat(engine.circuitBreaker("delivery").getMetrics().getNumberOfSuccessfulCalls()).isEqualTo(1);
	}

	@Test
	void hedgeFailsFirst_thenTheFirstCall_thePartReportsTheFirstCallsFailure() {
		ProviderRegistry registry = registry(ProviderDefinition.HedgeDefinition.after(Duration.ofMillis(50)));
		CompositionEngine engine = engine(registry);
		// The first call answers 503 after 300 ms; its hedge (at 50 ms) fails at once
		// with a
		// reset. The part's reason is the provider's own answer, and the breaker counts
		// it.
		PartSource source = (ctx) -> Mono.defer(() -> {
			int n = this.starts.size();
			this.starts.add(this.time.now(TimeUnit.MILLISECONDS));
			return (n == 0) ? Mono.delay(Duration.ofMillis(300), this.time).then(CompositionEngineTests.httpError(503))
					: Mono.<JsonNode>error(new java.io.IOException("reset"));
		});

		CompositionResult result = run(engine, page(registry, Duration.ofSeconds(2), source), 400);

		assertThat(this.starts).containsExactly(0L, 50L);
		assertThat(result.parts().get("delivery").reason()).isEqualTo(FailureReason.HTTP_STATUS);
		assertThat(engine.circuitBreaker("delivery").getMetrics().getNumberOfFailedCalls()).isEqualTo(1);
	}

	@Test
	void percentileDelay_isTheFloorUntilKnown_thenTheRecentPercentile() {
		ProviderRegistry registry = registry(ProviderDefinition.HedgeDefinition.percentile(95, Duration.ofMillis(30)));
		CompositionEngine engine = engine(registry);
		// 20 calls answering in 200 ms: the floor (30 ms) is the delay while the window
		// fills, so each is hedged at 30 ms (the hedge answers in 200 ms too).
		long[] latencies = new long[100];
		java.util.Arrays.fill(latencies, 0, 20, 200);
		java.util.Arrays.fill(latencies, 20, 100, 100);
		Composition page = page(registry, Duration.ofSeconds(5), source(latencies));
		for (int i = 0; i < 10; i++) {
			run(engine, page, 1_000);
		}
		assertThat(this.starts.get(1) - this.starts.get(0)).isEqualTo(30);
		// 20 samples now (answers at 200 ms, cancelled hedges at 170 ms): p95 = 200 ms,
		// so
		// a call answering in 100 ms is not hedged any more.
		this.starts.clear();
		run(engine, page, 1_000);
		assertThat(this.starts).hasSize(1);
	}

	@Test
	void latencyWindow_percentileOfTheRecentSamples() {
		LatencyWindow window = new LatencyWindow(95);
		for (int i = 1; i <= 19; i++) {
			window.record(i);
		}
		assertThat(window.percentileNanos()).isEqualTo(-1);
		window.record(20);
		assertThat(window.percentileNanos()).isEqualTo(19);
		// The window keeps the last 256 samples: older ones go out.
		for (int i = 1; i <= 240; i++) {
			window.record(1000);
		}
		assertThat(window.percentileNanos()).isEqualTo(1000);
		for (int i = 0; i < 256; i++) {
			window.record((i % 100 < 90) ? 10 : 300);
		}
		assertThat(window.percentileNanos()).isEqualTo(300);
	}

	@Test
	void validation_namesTheKey() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ProviderSettings.from("kitchen",
					ProviderDefinition.of("http://localhost:1")
						.withHedge(ProviderDefinition.HedgeDefinition.after(Duration.ofMillis(50)).withMaxExtra(3))))
			.withMessage("edge.providers.kitchen.hedge.max-extra: 3 (expected: 1 or 2)");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ProviderSettings.from("kitchen",
					ProviderDefinition.of("http://localhost:1")
						.withHedge(ProviderDefinition.HedgeDefinition.after(Duration.ofMillis(50)).withMaxExtra(0))))
			.withMessageStartingWith("edge.providers.kitchen.hedge.max-extra: 0");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ProviderSettings.from("kitchen",
					ProviderDefinition.of("http://localhost:1")
						.withHedge(ProviderDefinition.HedgeDefinition.after(Duration.ofMillis(50)).withBudget(0))))
			.withMessage("edge.providers.kitchen.hedge.budget: 0.0 (expected: a fraction of calls > 0 and <= 1, "
					+ "e.g. 0.05 for 5%)");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ProviderSettings.from("kitchen",
					ProviderDefinition.of("http://localhost:1")
						.withHedge(ProviderDefinition.HedgeDefinition.after(Duration.ofMillis(50)).withBudget(1.5))))
			.withMessageStartingWith("edge.providers.kitchen.hedge.budget: 1.5");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ProviderSettings.from("kitchen",
					ProviderDefinition.of("http://localhost:1")
						.withHedge(new ProviderDefinition.HedgeDefinition("p100", null, null, null))))
			.withMessageStartingWith("edge.providers.kitchen.hedge.after: p100");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ProviderSettings.from("kitchen",
					ProviderDefinition.of("http://localhost:1")
						.withHedge(new ProviderDefinition.HedgeDefinition("soon", null, null, null))))
			.withMessageStartingWith("edge.providers.kitchen.hedge.after: soon");
		assertThat(ProviderSettings
			.from("kitchen",
					ProviderDefinition.of("http://localhost:1")
						.withHedge(new ProviderDefinition.HedgeDefinition("p99.9", Duration.ofMillis(50), 2, 0.1)))
			.hedge()).isEqualTo(new ProviderSettings.Hedge(null, 99.9, Duration.ofMillis(50), 2, 0.1));
		assertThat(ProviderSettings
			.from("kitchen",
					ProviderDefinition.of("http://localhost:1")
						.withHedge(new ProviderDefinition.HedgeDefinition("80ms", null, null, null)))
			.hedge()).isEqualTo(new ProviderSettings.Hedge(Duration.ofMillis(80), null, null, 1, 0.05));
	}

	@Test
	void hedgedProvider_nonIdempotentSource_neverHedged_andExplainSaysSo() {
		ProviderRegistry registry = registry(ProviderDefinition.HedgeDefinition.after(Duration.ofMillis(50)));
		Composition cancel = Composition.builder("cancel")
			.request("POST /api/deliveries/{orderId}/cancel")
			.timeout(Duration.ofSeconds(2))
			.part("cancel", (p) -> p.from("delivery").uses("orderId").source(source(1000, 10)))
			.build(registry);

		CompositionResult result = run(engine(registry), cancel, 1_000);

		assertThat(result.body().path("cancel").path("call").asInt()).isZero();
		assertThat(result.parts().get("cancel").hedged()).isFalse();
		assertThat(this.starts).containsExactly(0L);
		assertThat(cancel.explain().stages().get(0).parts().get(0).hedge()).isNull();
	}

	@Test
	void explain_showsTheHedgePolicy() {
		ProviderRegistry registry = registry(
				ProviderDefinition.HedgeDefinition.percentile(95, Duration.ofMillis(50)).withBudget(0.1));
		Composition page = page(registry, Duration.ofSeconds(1), source(10));

		CompositionPlan.Step step = page.explain().stages().get(0).parts().get(0);

		assertThat(step.hedge()).isEqualTo("after p95 (floor PT0.05S), max-extra 1, budget 0.1");
		assertThat(page.explain().describe()).contains(" hedge after p95 (floor PT0.05S), max-extra 1, budget 0.1");
		Composition unhedged = page(registry(null), Duration.ofSeconds(1), source(10));
		assertThat(unhedged.explain().stages().get(0).parts().get(0).hedge()).isNull();
	}

}
