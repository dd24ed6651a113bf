package io.ftgo.edge.composition;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.ftgo.edge.composition.ProviderDefinition.BulkheadDefinition;
import io.ftgo.edge.composition.ProviderDefinition.CircuitBreakerDefinition;
import io.ftgo.edge.composition.ProviderDefinition.FallbackDefinition;
import io.ftgo.edge.composition.ProviderDefinition.RetryDefinition;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.web.reactive.function.client.WebClientResponseException;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;
import reactor.test.publisher.PublisherProbe;
import reactor.test.scheduler.VirtualTimeScheduler;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The executor with in-memory sources on virtual time: the engine and the sources run on
 * one injected {@link VirtualTimeScheduler} that the tests advance by hand (the engine
 * outlives single verifications, so {@code StepVerifier.withVirtualTime}, which resets
 * the scheduler after each verification, is not used). No network, no sleeping.
 */
class CompositionEngineTests {

	private static final JsonMapper MAPPER = JsonMapper.builder().build();

	private final VirtualTimeScheduler time = VirtualTimeScheduler.create();

	private final List<String> events = new ArrayList<>();

	static JsonNode json(String json) {
		return MAPPER.readTree(json);
	}

	static Mono<JsonNode> httpError(int status) {
		return Mono.error(WebClientResponseException.create(status, "status " + status, new HttpHeaders(), new byte[0],
				StandardCharsets.UTF_8));
	}

	private Mono<JsonNode> after(long millis, String json) {
		return Mono.delay(Duration.ofMillis(millis), this.time).map((tick) -> json(json));
	}

	private static ProviderDefinition provider() {
		return ProviderDefinition.of(null).withRetry(new RetryDefinition(1, null, null, null));
	}

	private CompositionEngine engine(ProviderRegistry registry) {
		return CompositionEngine.builder(registry).scheduler(this.time).listener(new CompositionListener() {
			@Override
			public void onPart(String composition, String part, String provider, PartMetadata metadata) {
				CompositionEngineTests.this.events.add(part + ":" + metadata.status().label());
			}
		}).build();
	}

	private static ProviderRegistry registry(String... ids) {
		Map<String, ProviderDefinition> providers = new LinkedHashMap<>();
		for (String id : ids) {
			providers.put(id, provider());
		}
		return ProviderRegistry.of(providers);
	}

	private static CompositionRequest order7001() {
		return CompositionRequest.of(Map.of("orderId", "7001")).withPrincipal("alice", Map.of("consumerId", 1001));
	}

	@Test
	void execute_independentParts_allStartBeforeAnyAnswers() {
		ProviderRegistry registry = registry("a", "b", "c");
		AtomicInteger started = new AtomicInteger();
		Sinks.Empty<Void> allStarted = Sinks.empty();
		PartSource waitsForAll = (ctx) -> Mono.defer(() -> {
			if (started.incrementAndGet() == 3) {
				allStarted.tryEmitEmpty();
			}
			return allStarted.asMono().then(Mono.fromSupplier(() -> json("{\"ok\":true}")));
		});
		Composition composition = Composition.builder("parallel")
			.request("GET /x")
			.part("a", (p) -> p.from("a").source(waitsForAll))
			.part("b", (p) -> p.from("b").source(waitsForAll))
			.part("c", (p) -> p.from("c").source(waitsForAll))
			.build(registry);

		StepVerifier.create(engine(registry).execute(composition, order7001())).assertNext((result) -> {
			assertThat(result.complete()).isTrue();
			assertThat(result.body().toString())
				.isEqualTo("{\"a\":{\"ok\":true},\"b\":{\"ok\":true},\"c\":{\"ok\":true}}");
		}).verifyComplete();
		assertThat(started).hasValue(3);
	}

	@Test
	void execute_dependentPart_startsWhenItsInputIsThereNotWhenTheStageEnds() {
		ProviderRegistry registry = registry("order", "kitchen", "slow");
		long[] ticketStartedAt = { -1 };
		Composition composition = Composition.builder("order-details")
			.request("GET /orders/{orderId}")
			.part("order", (p) -> p.from("order").uses("orderId").source((ctx) -> after(100, "{\"orderId\":7001}")))
			.part("slow", (p) -> p.from("slow").source((ctx) -> after(900, "{}")))
			.part("ticket", (p) -> p.from("kitchen").uses("order.orderId").source((ctx) -> Mono.defer(() -> {
				ticketStartedAt[0] = this.time.now(java.util.concurrent.TimeUnit.MILLISECONDS);
				return Mono.just(json("{\"id\":" + ctx.value("order.orderId") + "}"));
			})))
			.build(registry);

		StepVerifier.create(engine(registry).execute(composition, order7001()))
			.then(() -> this.time.advanceTimeBy(Duration.ofMillis(900)))
			.assertNext((result) -> assertThat(result.body().get("ticket").get("id").asInt()).isEqualTo(7001))
			.verifyComplete();
		assertThat(ticketStartedAt[0]).isEqualTo(100);
		assertThat(composition.explain().stages()).hasSize(2);
	}

	@Test
	void execute_dependentCall_getsWhatIsLeftOfTheDeadline() {
		ProviderRegistry registry = ProviderRegistry.of(Map.of("order", provider().withTimeout(Duration.ofMillis(800)),
				"kitchen", provider().withTimeout(Duration.ofMillis(800))));
		Composition composition = Composition.builder("order-details")
			.request("GET /orders/{orderId}")
			.timeout(Duration.ofSeconds(1))
			.part("order", (p) -> p.from("order").required().source((ctx) -> after(600, "{\"orderId\":7001}")))
			.part("ticket", (p) -> p.from("kitchen").uses("order.orderId").source((ctx) -> after(600, "{}")))
			.build(registry);

		StepVerifier.create(engine(registry).execute(composition, order7001()))
			.expectSubscription()
			.then(() -> this.time.advanceTimeBy(Duration.ofMillis(999)))
			.expectNoEvent(Duration.ofMillis(1))
			.then(() -> this.time.advanceTimeBy(Duration.ofMillis(1)))
			.assertNext((result) -> {
				PartMetadata ticket = result.parts().get("ticket");
				assertThat(ticket.status()).isEqualTo(PartStatus.OMITTED);
				assertThat(ticket.reason()).isEqualTo(FailureReason.TIMEOUT);
				assertThat(ticket.duration()).isEqualTo(Duration.ofMillis(400));
				assertThat(result.complete()).isFalse();
			})
			.verifyComplete();
	}

	@Test
	void execute_providerTimeoutShorterThanDeadline_timesOutAtProviderTimeout() {
		ProviderRegistry registry = ProviderRegistry
			.of(Map.of("kitchen", provider().withTimeout(Duration.ofMillis(300))));
		Composition composition = Composition.builder("c")
			.request("GET /x")
			.part("ticket", (p) -> p.from("kitchen").source((ctx) -> after(5000, "{}")))
			.build(registry);

		StepVerifier.create(engine(registry).execute(composition, order7001()))
			.expectSubscription()
			.then(() -> this.time.advanceTimeBy(Duration.ofMillis(299)))
			.expectNoEvent(Duration.ofMillis(1))
			.then(() -> this.time.advanceTimeBy(Duration.ofMillis(1)))
			.assertNext((result) -> assertThat(result.parts().get("ticket").reason()).isEqualTo(FailureReason.TIMEOUT))
			.verifyComplete();
	}

	@Test
	void execute_idempotentCallFailing5xx_retriedWithBackoffWithinTheDeadline() {
		ProviderRegistry registry = ProviderRegistry
			.of(Map.of("kitchen", provider().withRetry(new RetryDefinition(3, Duration.ofMillis(100), 0.0, null))));
		AtomicInteger calls = new AtomicInteger();
		List<Long> callTimes = new ArrayList<>();
		Composition composition = Composition.builder("c")
			.request("GET /x")
			.part("ticket", (p) -> p.from("kitchen").idempotent(true).source((ctx) -> Mono.defer(() -> {
				callTimes.add(this.time.now(java.util.concurrent.TimeUnit.MILLISECONDS));
				return (calls.incrementAndGet() < 3) ? httpError(503) : Mono.just(json("{\"state\":\"ok\"}"));
			})))
			.build(registry);

		StepVerifier.create(engine(registry).execute(composition, order7001()))
			.expectSubscription()
			.then(() -> this.time.advanceTimeBy(Duration.ofMillis(300)))
			.assertNext((result) -> assertThat(result.parts().get("ticket").status()).isEqualTo(PartStatus.FRESH))
			.verifyComplete();
		assertThat(callTimes).containsExactly(0L, 100L, 300L);
	}

	@Test
	void execute_retryBackoffPastTheDeadline_givesUpAtOnceWithTheLastFailure() {
		ProviderRegistry registry = ProviderRegistry
			.of(Map.of("kitchen", provider().withRetry(new RetryDefinition(5, Duration.ofMillis(400), 0.0, null))));
		AtomicInteger calls = new AtomicInteger();
		Composition composition = Composition.builder("c")
			.request("GET /x")
			.timeout(Duration.ofMillis(1000))
			.part("ticket", (p) -> p.from("kitchen").idempotent(true).source((ctx) -> Mono.defer(() -> {
				calls.incrementAndGet();
				return httpError(500);
			})))
			.build(registry);

		StepVerifier.create(engine(registry).execute(composition, order7001()))
			.expectSubscription()
			.then(() -> this.time.advanceTimeBy(Duration.ofMillis(399)))
			.expectNoEvent(Duration.ofMillis(1))
			.then(() -> this.time.advanceTimeBy(Duration.ofMillis(1)))
			.assertNext((result) -> {
				PartMetadata ticket = result.parts().get("ticket");
				assertThat(ticket.reason()).isEqualTo(FailureReason.HTTP_STATUS);
				assertThat(ticket.httpStatus()).isEqualTo(500);
				assertThat(ticket.duration()).isEqualTo(Duration.ofMillis(400));
			})
			.verifyComplete();
		// attempts at 0 and 400ms; the next backoff (800ms) would end past the deadline
		assertThat(calls).hasValue(2);
	}

	@Test
	void execute_retriesWithJitter_stayWithinTheJitterBounds() {
		ProviderRegistry registry = ProviderRegistry
			.of(Map.of("kitchen", provider().withRetry(new RetryDefinition(2, Duration.ofMillis(100), 0.5, null))));
		List<Long> callTimes = new ArrayList<>();
		Composition composition = Composition.builder("c")
			.request("GET /x")
			.part("ticket", (p) -> p.from("kitchen").idempotent(true).source((ctx) -> Mono.defer(() -> {
				callTimes.add(this.time.now(java.util.concurrent.TimeUnit.MILLISECONDS));
				return (callTimes.size() == 1) ? httpError(502) : Mono.just(json("{}"));
			})))
			.build(registry);

		StepVerifier.create(engine(registry).execute(composition, order7001()))
			.then(() -> this.time.advanceTimeBy(Duration.ofMillis(150)))
			.assertNext((result) -> assertThat(result.complete()).isTrue())
			.verifyComplete();
		assertThat(callTimes).hasSize(2);
		assertThat(callTimes.get(1)).isBetween(50L, 150L);
	}

	@Test
	void execute_nonIdempotentSource_neverRetried() {
		ProviderRegistry registry = ProviderRegistry
			.of(Map.of("accounting", provider().withRetry(new RetryDefinition(3, Duration.ofMillis(10), 0.0, null))));
		AtomicInteger calls = new AtomicInteger();
		Composition composition = Composition.builder("c")
			.request("GET /x")
			.part("bill", (p) -> p.from("accounting").source((ctx) -> Mono.defer(() -> {
				calls.incrementAndGet();
				return httpError(503);
			})))
			.build(registry);

		StepVerifier.create(engine(registry).execute(composition, order7001()))
			.then(() -> this.time.advanceTimeBy(Duration.ofSeconds(1)))
			.assertNext((result) -> {
				assertThat(result.parts().get("bill").reason()).isEqualTo(FailureReason.HTTP_STATUS);
				assertThat(result.parts().get("bill").httpStatus()).isEqualTo(503);
			})
			.verifyComplete();
		assertThat(calls).hasValue(1);
		assertThat(composition.explain().stages().get(0).parts().get(0).maxAttempts()).isEqualTo(1);
	}

	@Test
	void execute_optionalPartFails_fallsBackToStaleThenDefaultThenOmitted() {
		ProviderRegistry registry = ProviderRegistry
			.of(Map.of("kitchen", provider().withFallback(new FallbackDefinition(Duration.ofMinutes(10), 100L))
				.withCircuitBreaker(new CircuitBreakerDefinition(100f, 100, 100, null, null))));
		AtomicInteger calls = new AtomicInteger();
		Composition withDefault = Composition.builder("with-default")
			.request("GET /x")
			.part("ticket",
					(p) -> p.from("kitchen")
						.idempotent(true)
						.project("status", "state")
						.defaultValue(json("{\"status\":\"UNKNOWN\"}"))
						.source((ctx) -> Mono.defer(() -> (calls.incrementAndGet() == 1)
								? Mono.just(json("{\"state\":\"PREPARING\",\"x\":1}")) : httpError(500))))
			.build(registry);
		CompositionEngine engine = engine(registry);

		StepVerifier.create(engine.execute(withDefault, order7001()))
			.assertNext((result) -> assertThat(result.body().toString())
				.isEqualTo("{\"ticket\":{\"status\":\"PREPARING\"}}"))
			.verifyComplete();
		this.time.advanceTimeBy(Duration.ofMinutes(3));
		StepVerifier.create(engine.execute(withDefault, order7001())).assertNext((result) -> {
			PartMetadata ticket = result.parts().get("ticket");
			assertThat(ticket.status()).isEqualTo(PartStatus.STALE);
			assertThat(ticket.reason()).isEqualTo(FailureReason.HTTP_STATUS);
			assertThat(ticket.age()).isEqualTo(Duration.ofMinutes(3));
			assertThat(result.body().toString()).isEqualTo("{\"ticket\":{\"status\":\"PREPARING\"}}");
		}).verifyComplete();
		this.time.advanceTimeBy(Duration.ofMinutes(8));
		StepVerifier.create(engine.execute(withDefault, order7001())).assertNext((result) -> {
			assertThat(result.parts().get("ticket").status()).isEqualTo(PartStatus.DEFAULT);
			assertThat(result.body().toString()).isEqualTo("{\"ticket\":{\"status\":\"UNKNOWN\"}}");
		}).verifyComplete();
		Composition withoutDefault = Composition.builder("without-default")
			.request("GET /x")
			.part("ticket", (p) -> p.from("kitchen").source((ctx) -> httpError(500)))
			.build(registry);
		StepVerifier.create(engine.execute(withoutDefault, order7001())).assertNext((result) -> {
			assertThat(result.parts().get("ticket").status()).isEqualTo(PartStatus.OMITTED);
			assertThat(result.body().has("ticket")).isFalse();
		}).verifyComplete();
	}

	@Test
	void execute_lastGoodWrittenOnlyForPartsWhoseFallbackReadsIt() {
		// kitchen keeps last good values (stale-for 10m); delivery has no stale fallback
		// (stale-for 0); order is required, so nothing reads its last good value.
		ProviderRegistry registry = ProviderRegistry.of(Map.of("order", provider(), "kitchen",
				provider().withFallback(new FallbackDefinition(Duration.ofMinutes(10), 100L)), "delivery",
				provider().withFallback(new FallbackDefinition(Duration.ZERO, 100L))));
		Composition withStaleFallback = Composition.builder("with-stale-fallback")
			.request("GET /x")
			.part("order", (p) -> p.from("order").required().source((ctx) -> Mono.just(json("{\"orderId\":7001}"))))
			.part("ticket", (p) -> p.from("kitchen").source((ctx) -> Mono.just(json("{\"state\":\"PREPARING\"}"))))
			.build(registry);
		Composition withoutStaleFallback = Composition.builder("without-stale-fallback")
			.request("GET /x")
			.part("order", (p) -> p.from("order").required().source((ctx) -> Mono.just(json("{\"orderId\":7001}"))))
			.part("delivery", (p) -> p.from("delivery").source((ctx) -> Mono.just(json("{\"state\":\"PICKED_UP\"}"))))
			.build(registry);
		CompositionEngine engine = engine(registry);

		for (int i = 0; i < 3; i++) {
			StepVerifier.create(engine.execute(withoutStaleFallback, order7001()))
				.assertNext((result) -> assertThat(result.complete()).isTrue())
				.verifyComplete();
		}
		assertThat(engine.lastGoodWrites("order") + engine.lastGoodWrites("delivery")).isZero();

		for (int i = 0; i < 3; i++) {
			StepVerifier.create(engine.execute(withStaleFallback, order7001()))
				.assertNext((result) -> assertThat(result.complete()).isTrue())
				.verifyComplete();
		}
		assertThat(engine.lastGoodWrites("kitchen")).isEqualTo(3);
		assertThat(engine.lastGoodWrites("order")).isZero();
	}

	@Test
	void execute_circuitOpen_servesStaleWithoutCallingTheProvider() {
		ProviderRegistry registry = ProviderRegistry.of(Map.of("delivery",
				provider().withCircuitBreaker(new CircuitBreakerDefinition(50f, 2, 2, Duration.ofSeconds(30), 1))));
		AtomicInteger calls = new AtomicInteger();
		Composition composition = Composition.builder("c")
			.request("GET /x")
			.part("delivery", (p) -> p.from("delivery").idempotent(true).source((ctx) -> Mono.defer(() -> {
				int n = calls.incrementAndGet();
				return (n == 1) ? Mono.just(json("{\"state\":\"PICKED_UP\"}")) : httpError(503);
			})))
			.build(registry);
		CompositionEngine engine = engine(registry);
		// one success, one failure: 50% of a window of 2 opens the breaker
		for (int i = 0; i < 2; i++) {
			StepVerifier.create(engine.execute(composition, order7001())).expectNextCount(1).verifyComplete();
		}
		assertThat(engine.circuitBreaker("delivery").getState().name()).isEqualTo("OPEN");
		PublisherProbe<JsonNode> probe = PublisherProbe.of(Mono.just(json("{}")));
		Composition probed = Composition.builder("c")
			.request("GET /x")
			.part("delivery", (p) -> p.from("delivery").idempotent(true).source((ctx) -> probe.mono()))
			.build(registry);
		this.time.advanceTimeBy(Duration.ofSeconds(5));

		StepVerifier.create(engine.execute(probed, order7001())).assertNext((result) -> {
			PartMetadata delivery = result.parts().get("delivery");
			assertThat(delivery.status()).isEqualTo(PartStatus.STALE);
			assertThat(delivery.reason()).isEqualTo(FailureReason.CIRCUIT_OPEN);
			assertThat(delivery.age()).isEqualTo(Duration.ofSeconds(5));
			assertThat(result.body().get("delivery").get("state").asString()).isEqualTo("PICKED_UP");
		}).verifyComplete();
		probe.assertWasNotSubscribed();
		assertThat(calls).hasValue(2);
	}

	@Test
	void execute_circuitBreaker_ignores404s() {
		ProviderRegistry registry = ProviderRegistry.of(Map.of("order",
				provider().withCircuitBreaker(new CircuitBreakerDefinition(50f, 2, 2, Duration.ofSeconds(30), 1))));
		Composition composition = Composition.builder("c")
			.request("GET /x")
			.part("order", (p) -> p.from("order").source((ctx) -> httpError(404)))
			.build(registry);
		CompositionEngine engine = engine(registry);

		for (int i = 0; i < 4; i++) {
			StepVerifier.create(engine.execute(composition, order7001())).expectNextCount(1).verifyComplete();
		}

		assertThat(engine.circuitBreaker("order").getState().name()).isEqualTo("CLOSED");
	}

	@Test
	void execute_requiredPartFails_typedErrorPerFailureKind() {
		assertRequiredFailure(httpError(404), provider(), CompositionException.Kind.NOT_FOUND, 404,
				FailureReason.HTTP_STATUS);
		assertRequiredFailure(httpError(500), provider(), CompositionException.Kind.BAD_GATEWAY, 502,
				FailureReason.HTTP_STATUS);
		assertRequiredFailure(after(5000, "{}"), provider(), CompositionException.Kind.TIMEOUT, 504,
				FailureReason.TIMEOUT);
		assertRequiredFailure(Mono.fromSupplier(() -> MAPPER.readTree("{not json")), provider(),
				CompositionException.Kind.BAD_GATEWAY, 502, FailureReason.BAD_PAYLOAD);
		assertRequiredFailure(Mono.empty(), provider(), CompositionException.Kind.BAD_GATEWAY, 502,
				FailureReason.BAD_PAYLOAD);
	}

	private void assertRequiredFailure(Mono<JsonNode> answer, ProviderDefinition definition,
			CompositionException.Kind kind, int status, FailureReason reason) {
		ProviderRegistry registry = ProviderRegistry.of(Map.of("order", definition));
		Composition composition = Composition.builder("order-details")
			.request("GET /x")
			.part("order", (p) -> p.from("order").required().source((ctx) -> answer))
			.build(registry);

		StepVerifier.create(engine(registry).execute(composition, order7001()))
			.then(() -> this.time.advanceTimeBy(Duration.ofSeconds(5)))
			.expectErrorSatisfies((error) -> {
				assertThat(error).isInstanceOf(CompositionException.class);
				CompositionException failure = (CompositionException) error;
				assertThat(failure.kind()).isEqualTo(kind);
				assertThat(failure.httpStatus()).isEqualTo(status);
				assertThat(failure.reason()).isEqualTo(reason);
				assertThat(failure.part()).isEqualTo("order");
				assertThat(failure.provider()).isEqualTo("order");
				assertThat(failure.getStackTrace()).isEmpty();
				assertThat(failure.getMessage()).doesNotContain("Exception").doesNotContain("http://");
			})
			.verify();
	}

	@Test
	void execute_requiredPartCircuitOpen_503WithoutCalling() {
		ProviderRegistry registry = ProviderRegistry.of(Map.of("order",
				provider().withCircuitBreaker(new CircuitBreakerDefinition(50f, 1, 1, Duration.ofSeconds(30), 1))));
		CompositionEngine engine = engine(registry);
		engine.circuitBreaker("order").transitionToOpenState();
		PublisherProbe<JsonNode> probe = PublisherProbe.of(Mono.just(json("{}")));
		Composition composition = Composition.builder("c")
			.request("GET /x")
			.part("order", (p) -> p.from("order").required().source((ctx) -> probe.mono()))
			.build(registry);

		StepVerifier.create(engine.execute(composition, order7001())).expectErrorSatisfies((error) -> {
			assertThat(((CompositionException) error).kind()).isEqualTo(CompositionException.Kind.UNAVAILABLE);
			assertThat(((CompositionException) error).reason()).isEqualTo(FailureReason.CIRCUIT_OPEN);
		}).verify();
		probe.assertWasNotSubscribed();
	}

	@Test
	void execute_bulkheadFull_excessCallsFailFastAsBulkheadFull() {
		ProviderRegistry registry = ProviderRegistry
			.of(Map.of("order", provider(), "kitchen", provider().withBulkhead(new BulkheadDefinition(2))));
		AtomicInteger calls = new AtomicInteger();
		Composition composition = Composition.builder("c")
			.request("GET /x")
			.part("history",
					(p) -> p.from("order")
						.source((ctx) -> Mono.just(json("{\"orders\":[{\"id\":1},{\"id\":2},{\"id\":3},{\"id\":4}]}"))))
			.part("tickets",
					(p) -> p.from("kitchen")
						.forEach("history.orders")
						.concurrency(4)
						.uses("item.id")
						.source((ctx) -> Mono.defer(() -> {
							calls.incrementAndGet();
							return after(100, "{\"id\":" + ctx.value("item.id") + "}");
						})))
			.build(registry);

		StepVerifier.create(engine(registry).execute(composition, order7001()))
			.then(() -> this.time.advanceTimeBy(Duration.ofMillis(100)))
			.assertNext((result) -> {
				PartMetadata tickets = result.parts().get("tickets");
				assertThat(tickets.status()).isEqualTo(PartStatus.PARTIAL);
				assertThat(tickets.reason()).isEqualTo(FailureReason.BULKHEAD_FULL);
				assertThat(tickets.items()).isEqualTo(4);
				assertThat(tickets.failedItems()).isEqualTo(2);
				assertThat(result.body().get("tickets").toString()).isEqualTo("[{\"id\":1},{\"id\":2}]");
			})
			.verifyComplete();
		assertThat(calls).hasValue(2);
	}

	@Test
	void execute_fanOut_respectsConcurrencyCapAndKeepsOrder() {
		ProviderRegistry registry = registry("order", "restaurant");
		AtomicInteger inFlight = new AtomicInteger();
		AtomicInteger maxInFlight = new AtomicInteger();
		StringBuilder items = new StringBuilder("[");
		for (int i = 1; i <= 10; i++) {
			items.append((i > 1) ? "," : "").append("{\"restaurantId\":").append(500 + i).append('}');
		}
		String history = "{\"orders\":" + items.append(']') + "}";
		Composition composition = Composition.builder("history")
			.request("GET /x")
			.part("history", (p) -> p.from("order").required().source((ctx) -> Mono.just(json(history))))
			.part("restaurants",
					(p) -> p.from("restaurant")
						.forEach("history.orders")
						.concurrency(3)
						.uses("item.restaurantId")
						.project("name", "name")
						.source((ctx) -> Mono.defer(() -> {
							maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
							long delay = 10L * (11 - Integer.parseInt(ctx.value("item.restaurantId")) % 100);
							return after(delay, "{\"name\":\"r" + ctx.value("item.restaurantId") + "\"}")
								.doOnSuccess((v) -> inFlight.decrementAndGet());
						})))
			.build(registry);

		StepVerifier.create(engine(registry).execute(composition, order7001()))
			.then(() -> this.time.advanceTimeBy(Duration.ofSeconds(2)))
			.assertNext((result) -> {
				JsonNode restaurants = result.body().get("restaurants");
				assertThat(restaurants.size()).isEqualTo(10);
				assertThat(restaurants.get(0).get("name").asString()).isEqualTo("r501");
				assertThat(restaurants.get(9).get("name").asString()).isEqualTo("r510");
				assertThat(result.parts().get("restaurants").status()).isEqualTo(PartStatus.FRESH);
			})
			.verifyComplete();
		assertThat(maxInFlight).hasValue(3);
	}

	@Test
	void execute_fanOutItemFailure_skipNullOrFail() {
		ProviderRegistry registry = registry("order", "restaurant");
		for (ItemFailure handling : ItemFailure.values()) {
			Composition composition = Composition.builder("history")
				.request("GET /x")
				.part("history",
						(p) -> p.from("order")
							.required()
							.source((ctx) -> Mono.just(json("{\"orders\":[{\"r\":1},{\"r\":2},{\"r\":3}]}"))))
				.part("restaurants",
						(p) -> p.from("restaurant")
							.forEach("history.orders")
							.uses("item.r")
							.onItemFailure(handling)
							.defaultValue(json("[]"))
							.source((ctx) -> "2".equals(ctx.value("item.r")) ? httpError(500)
									: Mono.just(json("{\"id\":" + ctx.value("item.r") + "}"))))
				.build(registry);

			StepVerifier.create(engine(registry).execute(composition, order7001())).assertNext((result) -> {
				PartMetadata meta = result.parts().get("restaurants");
				String body = result.body().get("restaurants").toString();
				switch (handling) {
					case SKIP -> {
						assertThat(meta.status()).isEqualTo(PartStatus.PARTIAL);
						assertThat(body).isEqualTo("[{\"id\":1},{\"id\":3}]");
					}
					case NULL -> {
						assertThat(meta.status()).isEqualTo(PartStatus.PARTIAL);
						assertThat(body).isEqualTo("[{\"id\":1},null,{\"id\":3}]");
					}
					case FAIL -> {
						assertThat(meta.status()).isEqualTo(PartStatus.DEFAULT);
						assertThat(body).isEqualTo("[]");
					}
				}
				assertThat(meta.reason()).isEqualTo(FailureReason.HTTP_STATUS);
			}).verifyComplete();
		}
	}

	@Test
	void execute_identicalCallsWithinARequest_madeOnce() {
		ProviderRegistry registry = registry("order", "restaurant");
		AtomicInteger calls = new AtomicInteger();
		Composition composition = Composition.builder("history")
			.request("GET /x")
			.part("history",
					(p) -> p.from("order")
						.required()
						.source((ctx) -> Mono.just(json("{\"orders\":[{\"r\":501},{\"r\":501},{\"r\":501}]}"))))
			.part("restaurants",
					(p) -> p.from("restaurant")
						.forEach("history.orders")
						.uses("item.r")
						.idempotent(true)
						.source((ctx) -> Mono.defer(() -> {
							calls.incrementAndGet();
							return after(50, "{\"id\":501}");
						})))
			.build(registry);

		StepVerifier.create(engine(registry).execute(composition, order7001()))
			.then(() -> this.time.advanceTimeBy(Duration.ofMillis(50)))
			.assertNext((result) -> assertThat(result.body().get("restaurants").size()).isEqualTo(3))
			.verifyComplete();
		assertThat(calls).hasValue(1);
	}

	@Test
	void execute_concurrentRequests_collapsedPerIdentityScopeUnlessShared() {
		ProviderRegistry registry = ProviderRegistry
			.of(Map.of("consumer", provider(), "restaurant", provider().withShared(true)));
		Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
		Composition composition = Composition.builder("c")
			.request("GET /x")
			.part("consumer", (p) -> p.from("consumer").idempotent(true).source((ctx) -> Mono.defer(() -> {
				calls.computeIfAbsent("consumer", (k) -> new AtomicInteger()).incrementAndGet();
				return after(100, "{}");
			})))
			.part("restaurant", (p) -> p.from("restaurant").idempotent(true).source((ctx) -> Mono.defer(() -> {
				calls.computeIfAbsent("restaurant", (k) -> new AtomicInteger()).incrementAndGet();
				return after(100, "{}");
			})))
			.build(registry);
		CompositionEngine engine = engine(registry);
		CompositionRequest alice = CompositionRequest.of(Map.of()).withPrincipal("alice", Map.of());
		CompositionRequest bob = CompositionRequest.of(Map.of()).withPrincipal("bob", Map.of());

		StepVerifier
			.create(Mono.zip(engine.execute(composition, alice), engine.execute(composition, alice),
					engine.execute(composition, bob)))
			.then(() -> this.time.advanceTimeBy(Duration.ofMillis(100)))
			.assertNext((results) -> assertThat(results.getT3().complete()).isTrue())
			.verifyComplete();
		assertThat(calls.get("consumer")).hasValue(2);
		assertThat(calls.get("restaurant")).hasValue(1);
	}

	@Test
	void execute_noIdentityScopeButCredentials_neverSharedAcrossUsers() {
		ProviderRegistry registry = registry("consumer");
		AtomicInteger calls = new AtomicInteger();
		Composition composition = Composition.builder("c")
			.request("GET /x")
			.part("consumer", (p) -> p.from("consumer").idempotent(true).source((ctx) -> Mono.defer(() -> {
				calls.incrementAndGet();
				return after(100, "{}");
			})))
			.build(registry);
		CompositionEngine engine = engine(registry);
		CompositionRequest alice = CompositionRequest.of(Map.of()).withHeaders(Map.of("authorization", "Bearer a"));
		CompositionRequest bob = CompositionRequest.of(Map.of()).withHeaders(Map.of("Authorization", "Bearer b"));
		CompositionRequest carol = new CompositionRequest(Map.of(), Map.of("consumerId", 1003), null, null);

		StepVerifier
			.create(Mono.zip(engine.execute(composition, alice), engine.execute(composition, alice),
					engine.execute(composition, bob), engine.execute(composition, carol)))
			.then(() -> this.time.advanceTimeBy(Duration.ofMillis(100)))
			.expectNextCount(1)
			.verifyComplete();
		assertThat(calls).hasValue(3);
	}

	@Test
	void execute_joinerWithLessTimeLeft_timesOutAtItsOwnDeadlineWhileTheCallGoesOn() {
		ProviderRegistry registry = registry("restaurant");
		AtomicInteger calls = new AtomicInteger();
		PartSource slow = (ctx) -> Mono.defer(() -> {
			calls.incrementAndGet();
			return after(800, "{\"id\":501}");
		});
		// same name and part: a source call's identity is composition/part + its inputs
		Composition patient = Composition.builder("restaurant-card")
			.request("GET /x")
			.timeout(Duration.ofSeconds(2))
			.part("restaurant", (p) -> p.from("restaurant").idempotent(true).source(slow))
			.build(registry);
		Composition hurried = Composition.builder("restaurant-card")
			.request("GET /x")
			.timeout(Duration.ofMillis(300))
			.part("restaurant", (p) -> p.from("restaurant").idempotent(true).source(slow))
			.build(registry);
		CompositionEngine engine = engine(registry);
		List<CompositionResult> results = new ArrayList<>();

		engine.execute(patient, order7001()).subscribe(results::add);
		engine.execute(hurried, order7001()).subscribe(results::add);
		this.time.advanceTimeBy(Duration.ofMillis(300));
		assertThat(results).hasSize(1);
		assertThat(results.get(0).parts().get("restaurant").reason()).isEqualTo(FailureReason.TIMEOUT);
		this.time.advanceTimeBy(Duration.ofMillis(500));

		assertThat(results).hasSize(2);
		assertThat(results.get(1).parts().get("restaurant").status()).isEqualTo(PartStatus.FRESH);
		assertThat(calls).hasValue(1);
	}

	@Test
	void execute_fanOutItemFails_servesThatItemsLastGoodValue() {
		ProviderRegistry registry = registry("order", "restaurant");
		AtomicInteger round = new AtomicInteger();
		Composition composition = Composition.builder("history")
			.request("GET /x")
			.part("history",
					(p) -> p.from("order")
						.required()
						.source((ctx) -> Mono.just(json("{\"orders\":[{\"r\":501},{\"r\":502}]}"))))
			.part("restaurants",
					(p) -> p.from("restaurant")
						.forEach("history.orders")
						.uses("item.r")
						.idempotent(true)
						.source((ctx) -> (round.get() > 0 && "502".equals(ctx.value("item.r"))) ? httpError(503)
								: Mono.just(json("{\"id\":" + ctx.value("item.r") + "}"))))
			.build(registry);
		CompositionEngine engine = engine(registry);
		StepVerifier.create(engine.execute(composition, order7001())).expectNextCount(1).verifyComplete();
		round.incrementAndGet();
		this.time.advanceTimeBy(Duration.ofSeconds(7));

		StepVerifier.create(engine.execute(composition, order7001())).assertNext((result) -> {
			PartMetadata meta = result.parts().get("restaurants");
			assertThat(meta.status()).isEqualTo(PartStatus.STALE);
			assertThat(meta.reason()).isEqualTo(FailureReason.HTTP_STATUS);
			assertThat(meta.age()).isEqualTo(Duration.ofSeconds(7));
			assertThat(meta.failedItems()).isZero();
			assertThat(result.body().get("restaurants").toString()).isEqualTo("[{\"id\":501},{\"id\":502}]");
		}).verifyComplete();
	}

	@Test
	void execute_requiredPartFails_listenerSeesFailedThenError() {
		ProviderRegistry registry = registry("order");
		List<String> seen = new ArrayList<>();
		CompositionEngine engine = CompositionEngine.builder(registry)
			.scheduler(this.time)
			.listener(new CompositionListener() {
				@Override
				public void onPart(String composition, String part, String provider, PartMetadata metadata) {
					seen.add(part + ":" + metadata.status().label() + ":" + metadata.reason().label());
				}

				@Override
				public void onError(String composition, CompositionException error) {
					seen.add("error:" + error.httpStatus());
				}
			})
			.build();
		Composition composition = Composition.builder("c")
			.request("GET /x")
			.part("order", (p) -> p.from("order").required().source((ctx) -> httpError(502)))
			.build(registry);

		StepVerifier.create(engine.execute(composition, order7001())).expectError(CompositionException.class).verify();

		assertThat(seen).containsExactly("order:failed:http-status", "error:502");
	}

	@Test
	void execute_cancelledCaller_doesNotCancelTheSharedCall() {
		ProviderRegistry registry = registry("restaurant");
		AtomicInteger calls = new AtomicInteger();
		PublisherProbe<JsonNode> probe = PublisherProbe.of(after(100, "{\"id\":501}"));
		Composition composition = Composition.builder("c")
			.request("GET /x")
			.part("restaurant", (p) -> p.from("restaurant").idempotent(true).source((ctx) -> Mono.defer(() -> {
				calls.incrementAndGet();
				return probe.mono();
			})))
			.build(registry);
		CompositionEngine engine = engine(registry);
		StepVerifier.create(engine.execute(composition, order7001())).expectSubscription().thenCancel().verify();
		StepVerifier.create(engine.execute(composition, order7001()))
			.then(() -> this.time.advanceTimeBy(Duration.ofMillis(100)))
			.assertNext((result) -> assertThat(result.parts().get("restaurant").status()).isEqualTo(PartStatus.FRESH))
			.verifyComplete();
		assertThat(calls).hasValue(1);
		probe.assertWasNotCancelled();
	}

	@Test
	void execute_failedCall_notCachedForTheNextCaller() {
		ProviderRegistry registry = registry("restaurant");
		AtomicInteger calls = new AtomicInteger();
		Composition composition = Composition.builder("c")
			.request("GET /x")
			.part("restaurant", (p) -> p.from("restaurant")
				.idempotent(true)
				.source((ctx) -> Mono
					.defer(() -> (calls.incrementAndGet() == 1) ? httpError(500) : Mono.just(json("{\"id\":501}")))))
			.build(registry);
		CompositionEngine engine = engine(registry);

		StepVerifier.create(engine.execute(composition, order7001()))
			.assertNext((result) -> assertThat(result.parts().get("restaurant").status()).isEqualTo(PartStatus.OMITTED))
			.verifyComplete();
		StepVerifier.create(engine.execute(composition, order7001()))
			.assertNext((result) -> assertThat(result.parts().get("restaurant").status()).isEqualTo(PartStatus.FRESH))
			.verifyComplete();
		assertThat(calls).hasValue(2);
		assertThat(engine.callsInFlight()).isZero();
	}

	@Test
	void execute_authorizeFails_404AndDependentsNotCalled() {
		ProviderRegistry registry = registry("order", "kitchen");
		PublisherProbe<JsonNode> ticket = PublisherProbe.of(Mono.just(json("{}")));
		Composition composition = Composition.builder("order-details")
			.request("GET /orders/{orderId}")
			.part("order",
					(p) -> p.from("order")
						.required()
						.uses("orderId")
						.source((ctx) -> Mono.just(json("{\"orderId\":7002,\"consumerId\":1002}"))))
			.part("ticket", (p) -> p.from("kitchen").uses("order.orderId").source((ctx) -> ticket.mono()))
			.authorize("order.consumerId == principal.consumerId")
			.build(registry);

		StepVerifier.create(engine(registry).execute(composition, order7001())).expectErrorSatisfies((error) -> {
			assertThat(((CompositionException) error).kind()).isEqualTo(CompositionException.Kind.NOT_FOUND);
			assertThat(error.getMessage()).isEqualTo("not found");
		}).verify();
		ticket.assertWasNotSubscribed();
	}

	@Test
	void execute_authorizeHolds_answers() {
		ProviderRegistry registry = registry("order");
		Composition composition = Composition.builder("order-details")
			.request("GET /orders/{orderId}")
			.part("order", (p) -> p.from("order")
				.required()
				.uses("orderId")
				.source((ctx) -> Mono.just(json("{\"orderId\":" + ctx.value("orderId") + ",\"consumerId\":1001}"))))
			.authorize("order.consumerId == principal.consumerId")
			.build(registry);

		StepVerifier.create(engine(registry).execute(composition, order7001()))
			.assertNext((result) -> assertThat(result.body().get("order").get("orderId").asInt()).isEqualTo(7001))
			.verifyComplete();
	}

	@Test
	void execute_authorizeMembership_holdsOnlyForListedRestaurants() {
		ProviderRegistry registry = registry("order");
		Composition composition = Composition.builder("partner-order")
			.request("GET /orders/{orderId}")
			.part("order", (p) -> p.from("order")
				.required()
				.uses("orderId")
				.source((ctx) -> Mono.just(json("{\"orderId\":" + ctx.value("orderId") + ",\"restaurantId\":501}"))))
			.authorize("order.restaurantId in principal.restaurantIds")
			.build(registry);
		CompositionRequest partner501 = CompositionRequest.of(Map.of("orderId", "7001"))
			.withPrincipal("client:a", Map.of("restaurantIds", List.of(502L, 501L)));
		CompositionRequest partner502 = CompositionRequest.of(Map.of("orderId", "7001"))
			.withPrincipal("client:b", Map.of("restaurantIds", List.of(502L)));

		StepVerifier.create(engine(registry).execute(composition, partner501))
			.assertNext((result) -> assertThat(result.body().get("order").get("restaurantId").asInt()).isEqualTo(501))
			.verifyComplete();
		StepVerifier.create(engine(registry).execute(composition, partner502))
			.expectErrorSatisfies((error) -> assertThat(((CompositionException) error).kind())
				.isEqualTo(CompositionException.Kind.NOT_FOUND))
			.verify();
	}

	@Test
	void execute_missingRequestParameter_badRequest() {
		ProviderRegistry registry = registry("order");
		Composition composition = Composition.builder("order-details")
			.request("GET /orders/{orderId}")
			.part("order", (p) -> p.from("order").uses("orderId").source((ctx) -> Mono.just(json("{}"))))
			.build(registry);

		StepVerifier.create(engine(registry).execute(composition, CompositionRequest.of(Map.of())))
			.expectErrorSatisfies((error) -> {
				assertThat(((CompositionException) error).httpStatus()).isEqualTo(400);
				assertThat(error.getMessage()).isEqualTo("missing request parameter 'orderId'");
			})
			.verify();
	}

	@Test
	void execute_optionalDependencyOmitted_dependentUnresolvedAndListenerSeesEveryPart() {
		ProviderRegistry registry = registry("order", "kitchen");
		Composition composition = Composition.builder("c")
			.request("GET /x")
			.part("order", (p) -> p.from("order").source((ctx) -> httpError(503)))
			.part("ticket", (p) -> p.from("kitchen").uses("order.orderId").source((ctx) -> Mono.just(json("{}"))))
			.build(registry);

		StepVerifier.create(engine(registry).execute(composition, order7001())).assertNext((result) -> {
			assertThat(result.parts().get("ticket").reason()).isEqualTo(FailureReason.UNRESOLVED);
			assertThat(result.body().isEmpty()).isTrue();
			assertThat(result.serverTiming())
				.isEqualTo("order;dur=0.0;desc=\"omitted http-status\", ticket;dur=0.0;desc=\"omitted unresolved\"");
		}).verifyComplete();
		assertThat(this.events).containsExactly("order:omitted", "ticket:omitted");
	}

	@Test
	void execute_partScope_wrapsEachPartsCallsAndEndsOnceWithItsOutcome() {
		ProviderRegistry registry = registry("order", "kitchen");
		List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
		CompositionEngine engine = CompositionEngine.builder(registry)
			.scheduler(this.time)
			.listener(new CompositionListener() {
				@Override
				public PartScope startPart(String composition, String part, String provider,
						reactor.util.context.ContextView context) {
					seen.add("start:" + part + ":" + provider + ":" + context.getOrDefault("request", "?"));
					return new PartScope() {
						@Override
						public reactor.util.context.Context enrich(reactor.util.context.Context context) {
							return context.put("part", part);
						}

						@Override
						public void end(PartMetadata metadata, Throwable error) {
							seen.add("end:" + part + ":" + ((metadata != null) ? metadata.status().label() : "error"));
						}
					};
				}
			})
			.build();
		PartSource readsScope = (ctx) -> Mono.deferContextual((context) -> {
			seen.add("call:" + context.getOrDefault("part", "none"));
			return Mono.just(json("{\"id\":1}"));
		});
		Composition composition = Composition.builder("c")
			.request("GET /x")
			.part("order", (p) -> p.from("order").source(readsScope))
			.part("ticket",
					(p) -> p.from("kitchen")
						.defaultValue(json("{}"))
						.source((ctx) -> Mono.deferContextual((context) -> {
							seen.add("call:" + context.getOrDefault("part", "none"));
							return httpError(500);
						})))
			.build(registry);

		StepVerifier.create(engine.execute(composition, order7001()).contextWrite((c) -> c.put("request", "r1")))
			.expectNextCount(1)
			.verifyComplete();

		assertThat(seen).containsExactlyInAnyOrder("start:order:order:r1", "call:order", "end:order:fresh",
				"start:ticket:kitchen:r1", "call:ticket", "end:ticket:default");
	}

}
