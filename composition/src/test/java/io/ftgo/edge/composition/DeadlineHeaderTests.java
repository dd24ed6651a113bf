package io.ftgo.edge.composition;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.ftgo.edge.composition.policy.CallFailure;
import io.ftgo.edge.composition.policy.Deadline;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.retry.RetryRegistry;
import io.ftgo.edge.composition.policy.ProviderPolicy;
import io.ftgo.edge.composition.policy.ProviderSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.web.reactive.function.client.WebClient;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Deadlines that travel: the attempt's deadline is in the Reactor context, the HTTP
 * transport sends what is left of it when it sends, and a call whose deadline has passed
 * is not sent (counted in the WireMock journal and at the source).
 */
class DeadlineHeaderTests {

	static final WireMockServer provider = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));

	static {
		provider.start();
	}

	final WebClientProviderClient client = new WebClientProviderClient(WebClient.create(),
			JsonMapper.builder().build());

	@AfterAll
	static void stop() {
		provider.stop();
	}

	@BeforeEach
	void reset() {
		provider.resetAll();
		provider.stubFor(get(urlPathEqualTo("/orders/1")).willReturn(aResponse().withBody("{\"id\":1}")));
	}

	ProviderClient.Request request() {
		return new ProviderClient.Request("order", provider.baseUrl(), "GET", "/orders/1", Map.of(), null);
	}

	@Test
	void sentWithTheTimeLeft_neverMoreThanTheAttemptsDeadline() {
		Deadline attempt = new Deadline(Schedulers.parallel(), Duration.ofMillis(250));

		ProviderClient.Response response = this.client.exchange(request())
			.contextWrite(Deadline.forAttempt(attempt))
			.block(Duration.ofSeconds(10));

		assertThat(response.status()).isEqualTo(200);
		long sent = Long
			.parseLong(provider.findAll(anyRequestedFor(anyUrl())).get(0).getHeader("X-Request-Deadline-Ms"));
		assertThat(sent).isBetween(1L, 250L);
	}

	@Test
	void deadlinePassed_notSent() {
		Deadline passed = new Deadline(Schedulers.parallel(), Duration.ZERO);

		StepVerifier.create(this.client.exchange(request()).contextWrite(Deadline.forAttempt(passed)))
			.expectErrorMatches((e) -> e instanceof CallFailure f && f.reason() == FailureReason.TIMEOUT)
			.verify(Duration.ofSeconds(10));
		assertThat(provider.countRequestsMatching(anyRequestedFor(anyUrl()).build()).getCount()).isZero();
	}

	@Test
	void noHeaderConfigured_noneSent() {
		WebClientProviderClient plain = new WebClientProviderClient(WebClient.create(), JsonMapper.builder().build(),
				null);
		plain.exchange(request())
			.contextWrite(Deadline.forAttempt(new Deadline(Schedulers.parallel(), Duration.ofSeconds(1))))
			.block(Duration.ofSeconds(10));
		assertThat(provider.findAll(anyRequestedFor(anyUrl())).get(0).containsHeader("X-Request-Deadline-Ms"))
			.isFalse();
	}

	@Test
	void policy_putsEachAttemptsDeadlineInTheContext_theSmallerOfTimeoutAndTimeLeft() {
		VirtualTimeScheduler time = VirtualTimeScheduler.create();
		ProviderPolicy policy = new ProviderPolicy(
				ProviderSettings.from("order", ProviderDefinition.of(null).withTimeout(Duration.ofMillis(300))), time,
				CircuitBreakerRegistry.ofDefaults(), BulkheadRegistry.ofDefaults(), RetryRegistry.ofDefaults());
		AtomicReference<Long> seen = new AtomicReference<>();
		Mono<String> attempt = Mono.deferContextual((context) -> {
			seen.set(Deadline.ofAttempt(context).remainingMillis());
			return Mono.just("ok");
		});

		policy.guard(() -> attempt, policy.deadline(Duration.ofSeconds(2)), Duration.ofMillis(300), true).block();
		assertThat(seen.get()).isEqualTo(300L);

		policy.guard(() -> attempt, policy.deadline(Duration.ofMillis(120)), Duration.ofMillis(300), true).block();
		assertThat(seen.get()).isEqualTo(120L);
	}

	@Test
	void policy_deadlinePassed_theFirstAttemptIsNotMade() {
		VirtualTimeScheduler time = VirtualTimeScheduler.create();
		ProviderPolicy policy = new ProviderPolicy(ProviderSettings.from("order", ProviderDefinition.of(null)), time,
				CircuitBreakerRegistry.ofDefaults(), BulkheadRegistry.ofDefaults(), RetryRegistry.ofDefaults());
		Deadline deadline = policy.deadline(Duration.ofMillis(100));
		time.advanceTimeBy(Duration.ofMillis(100));
		AtomicInteger made = new AtomicInteger();

		StepVerifier
			.create(policy.guard(() -> Mono.fromCallable(made::incrementAndGet), deadline, Duration.ofSeconds(1), true))
			.expectErrorMatches((e) -> e instanceof CallFailure f && f.reason() == FailureReason.TIMEOUT)
			.verify(Duration.ofSeconds(5));
		assertThat(made.get()).isZero();
	}

}
