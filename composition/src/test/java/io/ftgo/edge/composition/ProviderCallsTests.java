package io.ftgo.edge.composition;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import io.ftgo.edge.composition.ProviderDefinition.RetryDefinition;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpHeaders;
import org.springframework.web.reactive.function.client.WebClientResponseException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link ProviderCalls}: single protected calls for one request, on an injected
 * {@link VirtualTimeScheduler}. Calls are counted at the source.
 */
class ProviderCallsTests {

	private static final JsonMapper MAPPER = JsonMapper.builder().build();

	private final VirtualTimeScheduler time = VirtualTimeScheduler.create();

	private final ProviderRegistry registry = ProviderRegistry
		.of(Map.of("order", ProviderDefinition.of(null).withTimeout(Duration.ofMillis(800)), "kitchen",
				ProviderDefinition.of(null)
					.withTimeout(Duration.ofMillis(800))
					.withRetry(new RetryDefinition(3, Duration.ofMillis(10), 0.0, null)),
				"restaurant", ProviderDefinition.of(null).withShared(true)));

	private final CompositionEngine engine = CompositionEngine.builder(this.registry).scheduler(this.time).build();

	static JsonNode json(String json) {
		return MAPPER.readTree(json);
	}

	private Supplier<Mono<JsonNode>> after(AtomicInteger counter, long millis, String json) {
		return () -> {
			counter.incrementAndGet();
			return Mono.delay(Duration.ofMillis(millis), this.time).map((tick) -> json(json));
		};
	}

	private static Supplier<Mono<JsonNode>> failing(AtomicInteger counter, int status) {
		return () -> {
			counter.incrementAndGet();
			return Mono.error(WebClientResponseException.create(status, "status " + status, new HttpHeaders(),
					new byte[0], StandardCharsets.UTF_8));
		};
	}

	private ProviderCalls calls(String user, int budget) {
		return this.engine.calls(
				CompositionRequest.of(Map.of()).withPrincipal(user, Map.of("consumerId", user.hashCode())),
				Duration.ofSeconds(1), budget);
	}

	@Test
	void calls_secondCallGetsWhatIsLeftOfTheOneDeadline() {
		ProviderCalls calls = calls("alice", 0);
		AtomicInteger made = new AtomicInteger();

		Mono<ProviderCalls.Outcome> both = calls.call("order", "/orders/7001", after(made, 700, "{}"), true, true, null)
			.then(calls.call("kitchen", "/tickets/7001", after(made, 700, "{}"), true, false, null));

		StepVerifier.create(both)
			.expectSubscription()
			.then(() -> this.time.advanceTimeBy(Duration.ofMillis(999)))
			.expectNoEvent(Duration.ofMillis(1))
			.then(() -> this.time.advanceTimeBy(Duration.ofMillis(1)))
			.assertNext((outcome) -> {
				// Its own timeout is 800 ms; only 300 ms of the request's second were
				// left.
				assertThat(outcome.metadata().reason()).isEqualTo(FailureReason.TIMEOUT);
				assertThat(outcome.metadata().duration()).isEqualTo(Duration.ofMillis(300));
				assertThat(outcome.value()).isNull();
			})
			.verifyComplete();
	}

	@Test
	void get_sameCallTwiceInARequest_madeOnce() {
		ProviderCalls calls = calls("alice", 0);
		AtomicInteger made = new AtomicInteger();

		Mono<ProviderCalls.Outcome> first = calls.call("restaurant", "/restaurants/501",
				after(made, 10, "{\"id\":501}"), true, false, null);
		StepVerifier
			.create(first.then(calls.call("restaurant", "/restaurants/501", after(made, 10, "{}"), true, false, null)))
			.then(() -> this.time.advanceTimeBy(Duration.ofMillis(10)))
			.assertNext((outcome) -> assertThat(outcome.value().get("id").asInt()).isEqualTo(501))
			.verifyComplete();

		assertThat(made).hasValue(1);
		assertThat(calls.calls()).isEqualTo(1);
	}

	@Test
	void call_identicalCallsInFlightOfTwoRequests_collapsedWithinAScopeOnly() {
		AtomicInteger made = new AtomicInteger();
		ProviderCalls alice = calls("alice", 0);
		ProviderCalls aliceAgain = calls("alice", 0);
		ProviderCalls bob = calls("bob", 0);

		StepVerifier
			.create(Mono.zip(alice.call("order", "/orders/7001", after(made, 50, "{}"), true, false, null),
					aliceAgain.call("order", "/orders/7001", after(made, 50, "{}"), true, false, null),
					bob.call("order", "/orders/7001", after(made, 50, "{}"), true, false, null)))
			.then(() -> this.time.advanceTimeBy(Duration.ofMillis(50)))
			.expectNextCount(1)
			.verifyComplete();

		assertThat(made).hasValue(2);
	}

	@Test
	void call_optionalFails_lastGoodThenDefaultThenNull() {
		AtomicInteger made = new AtomicInteger();
		StepVerifier
			.create(calls("alice", 0).call("kitchen", "/tickets/7001", after(made, 1, "{\"state\":\"OK\"}"), true,
					false, null))
			.then(() -> this.time.advanceTimeBy(Duration.ofMillis(1)))
			.expectNextCount(1)
			.verifyComplete();
		this.time.advanceTimeBy(Duration.ofSeconds(5));

		StepVerifier
			.create(calls("alice", 0).call("kitchen", "/tickets/7001", failing(made, 500), true, false, json("{}")))
			.then(() -> this.time.advanceTimeBy(Duration.ofMillis(100)))
			.assertNext((outcome) -> {
				assertThat(outcome.metadata().status()).isEqualTo(PartStatus.STALE);
				assertThat(outcome.metadata().age()).isGreaterThanOrEqualTo(Duration.ofSeconds(5));
				assertThat(outcome.value().get("state").asString()).isEqualTo("OK");
			})
			.verifyComplete();
		StepVerifier
			.create(calls("bob", 0).call("kitchen", "/tickets/7001", failing(made, 500), true, false,
					json("{\"state\":\"?\"}")))
			.then(() -> this.time.advanceTimeBy(Duration.ofMillis(100)))
			.assertNext((outcome) -> assertThat(outcome.metadata().status()).isEqualTo(PartStatus.DEFAULT))
			.verifyComplete();
		StepVerifier.create(calls("bob", 0).call("kitchen", "/tickets/7002", failing(made, 500), true, false, null))
			.then(() -> this.time.advanceTimeBy(Duration.ofMillis(100)))
			.assertNext((outcome) -> {
				assertThat(outcome.metadata().status()).isEqualTo(PartStatus.OMITTED);
				assertThat(outcome.metadata().httpStatus()).isEqualTo(500);
				assertThat(outcome.value()).isNull();
			})
			.verifyComplete();
	}

	@Test
	void call_idempotentRetried_nonIdempotentMadeOnce() {
		AtomicInteger get = new AtomicInteger();
		AtomicInteger post = new AtomicInteger();
		ProviderCalls calls = calls("alice", 0);

		StepVerifier.create(calls.call("kitchen", "/tickets/7001", failing(get, 503), true, false, null))
			.then(() -> this.time.advanceTimeBy(Duration.ofMillis(100)))
			.expectNextCount(1)
			.verifyComplete();
		StepVerifier.create(calls.call("kitchen", "POST /tickets/7001/accept", failing(post, 503), false, true, null))
			.then(() -> this.time.advanceTimeBy(Duration.ofMillis(100)))
			.expectErrorSatisfies((error) -> assertThat(((CompositionException) error).kind())
				.isEqualTo(CompositionException.Kind.BAD_GATEWAY))
			.verify();

		assertThat(get).hasValue(3);
		assertThat(post).hasValue(1);
	}

	@Test
	void call_requiredFails_compositionExceptionWithTheRestKind() {
		AtomicInteger made = new AtomicInteger();

		StepVerifier.create(calls("alice", 0).call("order", "/orders/1", failing(made, 404), true, true, null))
			.expectErrorSatisfies((error) -> {
				assertThat(((CompositionException) error).kind()).isEqualTo(CompositionException.Kind.NOT_FOUND);
				assertThat(((CompositionException) error).provider()).isEqualTo("order");
			})
			.verify();
	}

	@Test
	void call_beyondTheBudget_failsWithoutCalling() {
		AtomicInteger made = new AtomicInteger();
		ProviderCalls calls = calls("alice", 2);

		Mono<ProviderCalls.Outcome> three = calls.call("order", "/orders/1", after(made, 1, "{}"), true, false, null)
			.then(calls.call("order", "/orders/2", after(made, 1, "{}"), true, false, null))
			.then(calls.call("order", "/orders/1", after(made, 1, "{}"), true, false, null))
			.then(calls.call("order", "/orders/3", after(made, 1, "{}"), true, false, null));

		StepVerifier.create(three)
			.then(() -> this.time.advanceTimeBy(Duration.ofMillis(10)))
			.expectError(ProviderCalls.BudgetExceeded.class)
			.verify();
		assertThat(made).hasValue(2);
	}

}
