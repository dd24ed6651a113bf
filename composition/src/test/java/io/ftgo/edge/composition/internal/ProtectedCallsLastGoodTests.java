package io.ftgo.edge.composition.internal;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import io.ftgo.edge.composition.ProviderClient;
import io.ftgo.edge.composition.ProviderDefinition;
import io.ftgo.edge.composition.ProviderDefinition.RetryDefinition;
import io.ftgo.edge.composition.fallback.CallKey;
import io.ftgo.edge.composition.policy.Deadline;
import io.ftgo.edge.composition.policy.ProviderSettings;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.retry.RetryRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Last-good writes of collapsed calls: two callers share one call in flight (the second
 * joins before the answer, which a sink holds back), and the answer is kept once if any
 * of them reads it, never if none does. Writes are counted by the cache.
 */
class ProtectedCallsLastGoodTests {

	private static final CallKey KEY = new CallKey("order", "/orders/7001", "");

	private final VirtualTimeScheduler time = VirtualTimeScheduler.create();

	private final ProtectedCalls calls = new ProtectedCalls(
			Map.of("order",
					ProviderSettings.from("order",
							ProviderDefinition.of(null).withRetry(new RetryDefinition(1, null, null, null)))),
			(ProviderClient) (request) -> Mono.error(new IllegalStateException("no HTTP here")), this.time,
			CircuitBreakerRegistry.ofDefaults(), BulkheadRegistry.ofDefaults(), RetryRegistry.ofDefaults());

	@ParameterizedTest(name = "starter reads: {0}, joiner reads: {1} -> writes: {2}")
	@CsvSource({ "false, false, 0", "true, false, 1", "false, true, 1", "true, true, 1" })
	void collapsedCall_keptOnceIfAnyCallerReadsIt(boolean starterReads, boolean joinerReads, long writes) {
		AtomicInteger attempts = new AtomicInteger();
		Sinks.One<JsonNode> answer = Sinks.one();
		JsonNode value = JsonNodeFactory.instance.objectNode().put("orderId", 7001);
		Deadline deadline = new Deadline(this.time, Duration.ofSeconds(1));

		StepVerifier
			.create(Mono.zip(call(attempts, answer, deadline, starterReads),
					call(attempts, answer, deadline, joinerReads)))
			.then(() -> answer.tryEmitValue(value))
			.assertNext((both) -> assertThat(both.getT1()).isSameAs(both.getT2()).isSameAs(value))
			.verifyComplete();

		assertThat(attempts).as("one shared call").hasValue(1);
		assertThat(this.calls.lastGood("order").writes()).isEqualTo(writes);
		assertThat(this.calls.lastGood("order").peek(KEY) != null).isEqualTo(writes > 0);
	}

	@Test
	void providerWithoutStaleFor_neverKeepsAnAnswer() {
		ProtectedCalls noStale = new ProtectedCalls(
				Map.of("order",
						ProviderSettings.from("order",
								ProviderDefinition.of(null)
									.withRetry(new RetryDefinition(1, null, null, null))
									.withFallback(new ProviderDefinition.FallbackDefinition(Duration.ZERO, 100L)))),
				(ProviderClient) (request) -> Mono.error(new IllegalStateException("no HTTP here")), this.time,
				CircuitBreakerRegistry.ofDefaults(), BulkheadRegistry.ofDefaults(), RetryRegistry.ofDefaults());

		StepVerifier.create(noStale.call(KEY, () -> Mono.just(JsonNodeFactory.instance.objectNode()),
				new Deadline(this.time, Duration.ofSeconds(1)), true, true))
			.expectNextCount(1)
			.verifyComplete();

		assertThat(noStale.lastGood("order").writes()).isZero();
	}

	private Mono<JsonNode> call(AtomicInteger attempts, Sinks.One<JsonNode> answer, Deadline deadline,
			boolean readsLastGood) {
		return this.calls.call(KEY, () -> Mono.defer(() -> {
			attempts.incrementAndGet();
			return answer.asMono();
		}), deadline, true, readsLastGood);
	}

}
