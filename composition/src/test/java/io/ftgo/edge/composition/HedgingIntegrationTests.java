package io.ftgo.edge.composition;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionPoolMetrics;
import reactor.netty.resources.ConnectionProvider;
import tools.jackson.databind.json.JsonMapper;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hedged calls against a real HTTP provider (WireMock, asynchronous responses): a
 * scenario delays only the first of two identical requests, so a hedge is the fast second
 * one. Calls are counted in the WireMock journal; durations are only bounded generously
 * (the slow answer takes many times the bound).
 */
class HedgingIntegrationTests {

	private static final String DELIVERY = "{\"deliveryInfo\":{\"id\":7001,\"state\":\"PICKED_UP\"}}";

	private static WireMockServer server;

	@BeforeAll
	static void start() {
		server = new WireMockServer(options().dynamicPort().asynchronousResponseEnabled(true).containerThreads(50));
		server.start();
		// First-request costs (Netty, resolver, BlockHound) paid here, not in a test.
		WebClient.create(server.baseUrl())
			.get()
			.uri("/__admin/mappings")
			.retrieve()
			.bodyToMono(String.class)
			.block(Duration.ofSeconds(30));
	}

	@AfterAll
	static void stop() {
		server.stop();
	}

	@BeforeEach
	void reset() {
		server.resetAll();
	}

	/**
	 * In state STARTED a request is answered after {@code slowMillis} and moves the
	 * scenario on; the next identical request (the hedge) is answered at once and moves
	 * it back. So each call's first request is slow and its hedge fast.
	 */
	private static void slowFirstAnswer(String method, int slowMillis) {
		var first = "GET".equals(method) ? get(urlPathEqualTo("/deliveries/7001"))
				: post(urlPathEqualTo("/deliveries/7001"));
		var second = "GET".equals(method) ? get(urlPathEqualTo("/deliveries/7001"))
				: post(urlPathEqualTo("/deliveries/7001"));
		server.stubFor(first.inScenario("hedge")
			.whenScenarioStateIs(Scenario.STARTED)
			.willSetStateTo("first-sent")
			.willReturn(aResponse().withHeader("Content-Type", "application/json")
				.withBody(DELIVERY)
				.withFixedDelay(slowMillis)));
		server.stubFor(second.inScenario("hedge")
			.whenScenarioStateIs("first-sent")
			.willSetStateTo(Scenario.STARTED)
			.willReturn(aResponse().withHeader("Content-Type", "application/json").withBody(DELIVERY)));
	}

	private static ProviderRegistry hedged(ProviderDefinition.HedgeDefinition hedge) {
		return ProviderRegistry.of(Map.of("delivery",
				ProviderDefinition.of(server.baseUrl())
					.withTimeout(Duration.ofSeconds(10))
					.withRetry(new ProviderDefinition.RetryDefinition(1, null, null, null))
					.withHedge(hedge)));
	}

	private static Composition deliveryPage(ProviderRegistry registry, Duration deadline) {
		return Composition.builder("delivery-page")
			.request("GET /api/deliveries/{orderId}")
			.timeout(deadline)
			.part("delivery", (p) -> p.from("delivery").get("/deliveries/{orderId}"))
			.build(registry);
	}

	private static CompositionRequest order7001() {
		return CompositionRequest.of(Map.of("orderId", "7001")).withPrincipal("alice", Map.of("consumerId", 1001));
	}

	private static int gets() {
		return server.findAll(getRequestedFor(urlPathEqualTo("/deliveries/7001"))).size();
	}

	@Test
	void slowFirstAnswer_hedgeAnswers_atAboutTheHedgeDelay_partHedged_breakerRecordsOnce() throws InterruptedException {
		slowFirstAnswer("GET", 8000);
		ProviderRegistry registry = hedged(ProviderDefinition.HedgeDefinition.after(Duration.ofMillis(100)));
		CompositionEngine engine = CompositionEngine.builder(registry).build();

		long started = System.nanoTime();
		CompositionResult result = engine.execute(deliveryPage(registry, Duration.ofSeconds(10)), order7001())
			.block(Duration.ofSeconds(20));
		Duration took = Duration.ofNanos(System.nanoTime() - started);

		PartMetadata delivery = result.parts().get("delivery");
		assertThat(delivery.status()).isEqualTo(PartStatus.FRESH);
		assertThat(delivery.hedged()).isTrue();
		assertThat(result.body().path("delivery").path("deliveryInfo").path("state").asString()).isEqualTo("PICKED_UP");
		// The first answer would take 8 s; the hedge (sent at 100 ms) answers at once.
		assertThat(took).isLessThan(Duration.ofSeconds(4));
		assertThat(gets()).isEqualTo(2);
		HedgeStats stats = engine.hedges("delivery");
		assertThat(stats.sent()).isEqualTo(1);
		assertThat(stats.won()).isEqualTo(1);
		assertThat(stats.refused()).isZero();
		// One call, one outcome for the breaker; both bulkhead permits given back.
		assertThat(engine.circuitBreaker("delivery").getMetrics().getNumberOfSuccessfulCalls()).isEqualTo(1);
		assertThat(engine.circuitBreaker("delivery").getMetrics().getNumberOfFailedCalls()).isZero();
		// The loser's permit goes back when its cancellation has run, just after the
		// answer was handed on (Reactor drains the merge's cancellation after onNext).
		var bulkhead = engine.bulkheadRegistry().bulkhead("delivery").getMetrics();
		long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
		while (bulkhead.getAvailableConcurrentCalls() < 64 && System.nanoTime() < until) {
			Thread.sleep(10);
		}
		assertThat(bulkhead.getAvailableConcurrentCalls()).isEqualTo(64);
	}

	@Test
	void fastFirstAnswer_noHedgeSent() {
		server.stubFor(get(urlPathEqualTo("/deliveries/7001"))
			.willReturn(aResponse().withHeader("Content-Type", "application/json").withBody(DELIVERY)));
		ProviderRegistry registry = hedged(ProviderDefinition.HedgeDefinition.after(Duration.ofSeconds(2)));
		CompositionEngine engine = CompositionEngine.builder(registry).build();

		CompositionResult result = engine.execute(deliveryPage(registry, Duration.ofSeconds(10)), order7001())
			.block(Duration.ofSeconds(20));

		assertThat(result.parts().get("delivery").hedged()).isFalse();
		assertThat(gets()).isEqualTo(1);
		assertThat(engine.hedges("delivery").sent()).isZero();
	}

	@Test
	void hedgeWins_losersConnectionIsClosed_notLeftToFinish() throws InterruptedException {
		slowFirstAnswer("GET", 15000);
		AtomicReference<ConnectionPoolMetrics> pool = new AtomicReference<>();
		ConnectionProvider connections = ConnectionProvider.builder("hedging-test")
			.maxConnections(10)
			.metrics(true, () -> (name, id, address, metrics) -> pool.set(metrics))
			.build();
		try {
			WebClient webClient = WebClient.builder()
				.clientConnector(new ReactorClientHttpConnector(HttpClient.create(connections)))
				.build();
			ProviderRegistry registry = hedged(ProviderDefinition.HedgeDefinition.after(Duration.ofMillis(100)));
			CompositionEngine engine = CompositionEngine.builder(registry)
				.webClient(webClient)
				.jsonMapper(JsonMapper.builder().build())
				.build();

			CompositionResult result = engine.execute(deliveryPage(registry, Duration.ofSeconds(20)), order7001())
				.block(Duration.ofSeconds(30));

			assertThat(result.parts().get("delivery").hedged()).isTrue();
			assertThat(gets()).isEqualTo(2);
			// The slow answer is due in 15 s. Had the loser been left to finish, its
			// connection would stay acquired until then; cancelled, it is closed now:
			// nothing acquired, and only the winner's connection is left (idle) in the
			// pool.
			long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
			while ((pool.get() == null || pool.get().acquiredSize() > 0 || pool.get().allocatedSize() > 1)
					&& System.nanoTime() < until) {
				Thread.sleep(20);
			}
			assertThat(pool.get().acquiredSize()).isZero();
			assertThat(pool.get().allocatedSize()).isEqualTo(1);
			assertThat(pool.get().idleSize()).isEqualTo(1);
		}
		finally {
			connections.disposeLater().block(Duration.ofSeconds(10));
		}
	}

	@Test
	void nonIdempotentCall_isNeverHedged() {
		slowFirstAnswer("POST", 1500);
		ProviderRegistry registry = hedged(ProviderDefinition.HedgeDefinition.after(Duration.ofMillis(50)));
		CompositionEngine engine = CompositionEngine.builder(registry).build();

		ProviderCalls.Outcome outcome = engine.calls(order7001(), Duration.ofSeconds(10), 0)
			.post("delivery", "/deliveries/7001", JsonMapper.builder().build().readTree("{\"courier\":\"c-17\"}"))
			.block(Duration.ofSeconds(20));

		assertThat(outcome.value()).isNotNull();
		assertThat(outcome.metadata().hedged()).isFalse();
		assertThat(server.findAll(postRequestedFor(urlPathEqualTo("/deliveries/7001")))).hasSize(1);
		assertThat(engine.hedges("delivery").sent()).isZero();
	}

	@Test
	void singleGetCall_isHedgedLikeAPart() {
		slowFirstAnswer("GET", 8000);
		ProviderRegistry registry = hedged(ProviderDefinition.HedgeDefinition.after(Duration.ofMillis(50)));
		CompositionEngine engine = CompositionEngine.builder(registry).build();

		ProviderCalls.Outcome outcome = engine.calls(order7001(), Duration.ofSeconds(10), 0)
			.get("delivery", "/deliveries/7001", true, null)
			.block(Duration.ofSeconds(20));

		assertThat(outcome.metadata().hedged()).isTrue();
		assertThat(gets()).isEqualTo(2);
	}

	@Test
	void budgetSpent_noHedgeSent() {
		slowFirstAnswer("GET", 1000);
		// 1% of calls: the bucket's 10 starting tokens pay for 10 hedges; 11 calls
		// deposit
		// 0.11 tokens, not enough for an 11th hedge.
		ProviderRegistry registry = hedged(
				ProviderDefinition.HedgeDefinition.after(Duration.ofMillis(50)).withBudget(0.01));
		CompositionEngine engine = CompositionEngine.builder(registry).build();
		Composition page = deliveryPage(registry, Duration.ofSeconds(10));

		for (int i = 1; i <= 10; i++) {
			CompositionResult result = engine.execute(page, order7001()).block(Duration.ofSeconds(20));
			assertThat(result.parts().get("delivery").hedged()).isTrue();
			assertThat(gets()).isEqualTo(2 * i);
		}
		CompositionResult eleventh = engine.execute(page, order7001()).block(Duration.ofSeconds(20));

		assertThat(eleventh.parts().get("delivery").status()).isEqualTo(PartStatus.FRESH);
		assertThat(eleventh.parts().get("delivery").hedged()).isFalse();
		assertThat(gets()).isEqualTo(21);
		assertThat(engine.hedges("delivery").sent()).isEqualTo(10);
		assertThat(engine.hedges("delivery").refused()).isEqualTo(1);
	}

	@Test
	void retryBudgetExhausted_hedgeNotSent_partAndSingleCallSayRetryRefused() {
		// Every answer takes 1 s: each call is due a hedge at 50 ms.
		server.stubFor(get(urlPathEqualTo("/deliveries/7001")).willReturn(
				aResponse().withHeader("Content-Type", "application/json").withBody(DELIVERY).withFixedDelay(1000)));
		// The retry budget (shared by retries and hedges) grants nothing: no share of
		// calls, nothing per second.
		ProviderRegistry registry = ProviderRegistry.of(Map.of("delivery",
				ProviderDefinition.of(server.baseUrl())
					.withTimeout(Duration.ofSeconds(10))
					.withRetry(new ProviderDefinition.RetryDefinition(1, null, null,
							new ProviderDefinition.RetryBudgetDefinition(null, 0.0, 0.0, null, null, null)))
					.withHedge(ProviderDefinition.HedgeDefinition.after(Duration.ofMillis(50)))));
		CompositionEngine engine = CompositionEngine.builder(registry).build();

		CompositionResult result = engine.execute(deliveryPage(registry, Duration.ofSeconds(10)), order7001())
			.block(Duration.ofSeconds(20));
		ProviderCalls.Outcome single = engine.calls(order7001(), Duration.ofSeconds(10), 0)
			.get("delivery", "/deliveries/7001", true, null)
			.block(Duration.ofSeconds(20));

		PartMetadata part = result.parts().get("delivery");
		assertThat(part.status()).isEqualTo(PartStatus.FRESH);
		assertThat(part.hedged()).isFalse();
		assertThat(part.retryRefused()).isTrue();
		assertThat(single.metadata().status()).isEqualTo(PartStatus.FRESH);
		assertThat(single.metadata().retryRefused()).isTrue();
		// Each call's slow first request only: no hedge reached the provider.
		assertThat(gets()).isEqualTo(2);
		assertThat(engine.hedges("delivery").sent()).isZero();
		assertThat(engine.hedges("delivery").refused()).isEqualTo(2);
		assertThat(engine.retries("delivery").refused()).isEqualTo(2);
	}

	@Test
	void hedgeDueAfterTheDeadline_isNeverSent() throws InterruptedException {
		slowFirstAnswer("GET", 3000);
		ProviderRegistry registry = hedged(ProviderDefinition.HedgeDefinition.after(Duration.ofMillis(800)));
		CompositionEngine engine = CompositionEngine.builder(registry).build();

		CompositionResult result = engine.execute(deliveryPage(registry, Duration.ofMillis(300)), order7001())
			.block(Duration.ofSeconds(20));
		assertThat(result.parts().get("delivery").reason()).isEqualTo(FailureReason.TIMEOUT);
		// Well past the time the hedge would have been sent (800 ms after the start).
		Thread.sleep(1500);

		assertThat(gets()).isEqualTo(1);
		assertThat(engine.hedges("delivery").sent()).isZero();
	}

}
