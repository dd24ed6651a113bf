package io.ftgo.edge.composition;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.ftgo.edge.composition.ProviderDefinition.RetryBudgetDefinition;
import io.ftgo.edge.composition.ProviderDefinition.RetryDefinition;
import io.ftgo.edge.composition.policy.CallFailure;
import io.ftgo.edge.composition.policy.Deadline;
import io.ftgo.edge.composition.policy.ProviderPolicy;
import io.ftgo.edge.composition.policy.ProviderSettings;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.retry.RetryRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.test.scheduler.VirtualTimeScheduler;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.web.reactive.function.client.WebClient;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * A provider's retry budget: Finagle's rate (retries at most {@code ratio} x calls +
 * {@code min-per-second} x window) and Envoy's cap on retries in flight, counted at the
 * source in virtual time and in a WireMock journal over HTTP.
 */
class RetryBudgetTests {

	static final JsonNode OK = JsonMapper.builder().build().readTree("{\"ok\":true}");

	/** A breaker that never opens here: the budget alone decides. */
	static final ProviderDefinition.CircuitBreakerDefinition NO_BREAKER = new ProviderDefinition.CircuitBreakerDefinition(
			100f, 1000, 1000, null, null);

	final VirtualTimeScheduler time = VirtualTimeScheduler.create();

	ProviderPolicy policy(RetryBudgetDefinition budget) {
		ProviderDefinition definition = ProviderDefinition.of(null)
			.withTimeout(Duration.ofSeconds(1))
			.withRetry(new RetryDefinition(2, Duration.ofMillis(1), 0.0, budget))
			.withCircuitBreaker(NO_BREAKER);
		return new ProviderPolicy(ProviderSettings.from("order", definition), this.time,
				CircuitBreakerRegistry.ofDefaults(), BulkheadRegistry.ofDefaults(), RetryRegistry.ofDefaults());
	}

	/** 100 calls, one every 100 ms, 30 of them failing (their retries answer). */
	int hundredCallsThirtyFailing(ProviderPolicy policy, AtomicInteger attempts) {
		int failed = 0;
		for (int i = 0; i < 100; i++) {
			boolean failing = i % 10 < 3;
			AtomicInteger made = new AtomicInteger();
			Mono<JsonNode> call = policy.protect(() -> {
				attempts.incrementAndGet();
				return (failing && made.getAndIncrement() == 0)
						? Mono.error(new CallFailure(FailureReason.HTTP_STATUS, 503)) : Mono.just(OK);
			}, new Deadline(this.time, Duration.ofSeconds(2)), true);
			List<Object> outcome = new ArrayList<>();
			call.subscribe(outcome::add, outcome::add);
			this.time.advanceTimeBy(Duration.ofMillis(100));
			assertThat(outcome).hasSize(1);
			failed += failing ? 1 : 0;
		}
		return failed;
	}

	@Test
	void rate_defaults_thirtyPercentFailing_everyRetryWithinTheFormula() {
		ProviderPolicy policy = policy(null);
		AtomicInteger attempts = new AtomicInteger();

		int failed = hundredCallsThirtyFailing(policy, attempts);

		// 0.2 x 100 calls + 10/s x 10 s = 120 >= 30: every retry is sent.
		assertThat(failed).isEqualTo(30);
		assertThat(policy.retryBudget().sent()).isEqualTo(30);
		assertThat(policy.retryBudget().refused()).isZero();
		assertThat(attempts.get()).isEqualTo(130);
	}

	@Test
	void rate_tightBudget_retriesCountedAgainstTheFormula() {
		// 10% of calls, nothing per second: at most 0.1 x 100 = 10 retries.
		ProviderPolicy policy = policy(new RetryBudgetDefinition(null, 0.1, 0.0, Duration.ofSeconds(10), null, null));
		AtomicInteger attempts = new AtomicInteger();

		hundredCallsThirtyFailing(policy, attempts);

		long sent = policy.retryBudget().sent();
		assertThat(sent).isLessThanOrEqualTo(10).isGreaterThanOrEqualTo(9);
		assertThat(sent + policy.retryBudget().refused()).isEqualTo(30);
		assertThat(attempts.get()).isEqualTo(100 + sent);
	}

	@Test
	void rate_windowSlides_oldCallsNoLongerCount() {
		ProviderPolicy policy = policy(new RetryBudgetDefinition(null, 0.5, 0.0, Duration.ofSeconds(2), null, null));
		AtomicInteger attempts = new AtomicInteger();
		// 10 healthy calls in the first second: 5 retries earned.
		for (int i = 0; i < 10; i++) {
			policy.protect(() -> Mono.just(OK), new Deadline(this.time, Duration.ofSeconds(1)), true).subscribe();
		}
		this.time.advanceTimeBy(Duration.ofSeconds(3));
		// Outside the 2 s window: a failing call earns 0.5, not enough for its retry.
		policy.protect(() -> {
			attempts.incrementAndGet();
			return Mono.error(new CallFailure(FailureReason.TIMEOUT, 0));
		}, new Deadline(this.time, Duration.ofSeconds(1)), true).subscribe((v) -> {
		}, (e) -> {
		});
		this.time.advanceTimeBy(Duration.ofMillis(10));
		assertThat(attempts.get()).isEqualTo(1);
		assertThat(policy.retryBudget().refused()).isEqualTo(1);
	}

	@Test
	void inFlight_retriesCappedAtTheLargerOfMinAndRatioOfActiveCalls() {
		ProviderPolicy policy = policy(new RetryBudgetDefinition(null, null, null, null, 0.2, 3));
		AtomicInteger retries = new AtomicInteger();
		List<Disposable> calls = new ArrayList<>();
		for (int i = 0; i < 10; i++) {
			AtomicInteger made = new AtomicInteger();
			calls.add(policy.protect(() -> {
				if (made.getAndIncrement() == 0) {
					return Mono.error(new CallFailure(FailureReason.CONNECT, 0));
				}
				retries.incrementAndGet();
				return Mono.never();
			}, new Deadline(this.time, Duration.ofSeconds(5)), true).subscribe((v) -> {
			}, (e) -> {
			}));
		}
		this.time.advanceTimeBy(Duration.ofMillis(10));

		// 10 calls in flight: max(3, 0.2 x 10) = 3 retries in flight, the others refused.
		assertThat(retries.get()).isEqualTo(3);
		assertThat(policy.retryBudget().extraInFlight()).isEqualTo(3);
		assertThat(policy.retryBudget().refused()).isEqualTo(7);
		calls.forEach(Disposable::dispose);
		assertThat(policy.retryBudget().extraInFlight()).isZero();
	}

	@Test
	void disabled_noBudget() {
		assertThat(policy(new RetryBudgetDefinition(false, null, null, null, null, null)).retryBudget()).isNull();
	}

	@Test
	void badSettings_nameTheKey() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> policy(new RetryBudgetDefinition(null, 1.5, null, null, null, null)))
			.withMessageContaining("edge.providers.order.retry.budget.ratio: 1.5");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> policy(new RetryBudgetDefinition(null, null, null, Duration.ofMillis(1500), null, null)))
			.withMessageContaining("edge.providers.order.retry.budget.window");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> policy(new RetryBudgetDefinition(null, null, -1.0, null, null, null)))
			.withMessageContaining("retry.budget.min-per-second");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> policy(new RetryBudgetDefinition(null, null, null, null, null, -1)))
			.withMessageContaining("retry.budget.min-in-flight");
	}

	static final WireMockServer provider = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));

	static {
		provider.start();
	}

	@AfterAll
	static void stop() {
		provider.stop();
	}

	/**
	 * A provider failing every other call, 40 calls in a row: each first attempt fails,
	 * and without a budget each retry would answer (80 calls). With 20% and nothing per
	 * second, at most 8 retries reach it; the refused calls keep their real reason and
	 * say {@code retryRefused}.
	 */
	@Test
	void http_providerFailingEveryOtherCall_journalCountsAtMostTheBudgetedRetries() {
		provider.resetAll();
		provider.stubFor(get(urlPathMatching("/orders/.*")).inScenario("alternate")
			.whenScenarioStateIs(Scenario.STARTED)
			.willReturn(aResponse().withStatus(500))
			.willSetStateTo("answers"));
		provider.stubFor(get(urlPathMatching("/orders/.*")).inScenario("alternate")
			.whenScenarioStateIs("answers")
			.willReturn(aResponse().withHeader("Content-Type", "application/json").withBody("{\"ok\":true}"))
			.willSetStateTo(Scenario.STARTED));
		ProviderRegistry registry = ProviderRegistry.of(Map.of("order",
				ProviderDefinition.of(provider.baseUrl())
					.withTimeout(Duration.ofSeconds(5))
					.withRetry(new RetryDefinition(2, Duration.ofMillis(1), 0.0,
							new RetryBudgetDefinition(null, 0.2, 0.0, Duration.ofSeconds(60), null, null)))
					.withCircuitBreaker(NO_BREAKER)));
		CompositionEngine engine = CompositionEngine.builder(registry).webClient(WebClient.create()).build();

		int refusedParts = 0;
		for (int i = 0; i < 40; i++) {
			ProviderCalls calls = engine.calls(CompositionRequest.of(Map.of()), Duration.ofSeconds(10), 0);
			ProviderCalls.Outcome outcome = calls.get("order", "/orders/" + i, false, null)
				.block(Duration.ofSeconds(20));
			if (outcome.metadata().retryRefused()) {
				refusedParts++;
				assertThat(outcome.metadata().reason()).isEqualTo(FailureReason.HTTP_STATUS);
				assertThat(outcome.metadata().httpStatus()).isEqualTo(500);
			}
		}

		int journal = provider.countRequestsMatching(anyRequestedFor(anyUrl()).build()).getCount();
		RetryStats retries = engine.retries("order");
		assertThat(retries.sent()).isLessThanOrEqualTo(8).isPositive();
		assertThat(journal).isEqualTo(40 + retries.sent());
		assertThat(refusedParts).isEqualTo(retries.refused()).isPositive();
	}

}
