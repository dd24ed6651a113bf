package io.ftgo.edge.gateway.it;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import io.ftgo.edge.composition.CompositionEngine;
import io.ftgo.edge.composition.policy.ProviderLimit;
import io.ftgo.edge.stubs.identity.DevIdentityProvider;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The per-provider concurrency limit ({@code edge.providers.<id>.concurrency}) over real
 * HTTP: a WireMock provider holding every answer for {@value #HOLD_MS} ms behind a fixed
 * limit (deterministic), a fast provider next to it. Calls over the limit fail at once,
 * the held provider's journal counts only the admitted calls. No timing is asserted:
 * every rejection is proven by counts while the admitted calls are still held.
 */
@SpringBootTest(classes = EdgeTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "edge.rate-limit.enabled=false", "management.server.port=-1", "edge.concurrency.enabled=true",
				"edge.concurrency.algorithm=fixed", "edge.concurrency.initial-limit=1000",
				"edge.concurrency.max-limit=1000", "edge.concurrency.partitions.interactive=80",
				"edge.concurrency.partitions.prefetch=20", "edge.concurrency.default-partition=interactive",
				"edge.concurrency.rules[0].partition=prefetch", "edge.concurrency.rules[0].headers[X-Prefetch]=1",
				"spring.cloud.gateway.server.webflux.httpclient.response-timeout=60s" })
class ProviderConcurrencyLimitIntegrationTests {

	/** Longer than each test's requests over the limit take, even on a busy machine. */
	static final int HOLD_MS = 8_000;

	static final int KITCHEN_LIMIT = 3;

	static final int DELIVERY_LIMIT = 4;

	/** delivery: interactive 75% of 4. */
	static final int DELIVERY_INTERACTIVE_SHARE = 3;

	static final DevIdentityProvider identity = DevIdentityProvider.startOnRandomPort();

	/** Holds every answer (kitchen). */
	static final WireMockServer held = server();

	/** Holds every answer (delivery): a server of its own, so no connection is shared. */
	static final WireMockServer heldDelivery = server();

	/** Answers at once (restaurant). */
	static final WireMockServer fast = server();

	static {
		for (WireMockServer server : List.of(held, heldDelivery)) {
			server.stubFor(WireMock.any(urlPathMatching("/.*"))
				.willReturn(WireMock.okJson("{\"id\":1,\"state\":\"HELD\"}").withFixedDelay(HOLD_MS)));
		}
		fast.stubFor(WireMock.any(urlPathMatching("/.*")).willReturn(WireMock.okJson("{\"name\":\"Ajanta\"}")));
	}

	@LocalServerPort
	int port;

	@Autowired
	CompositionEngine engine;

	@Autowired
	MeterRegistry meters;

	final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		EdgeTestSupport.permitAll(registry, identity, "/api/x/**");
		registry.add("edge.providers.kitchen.url", held::baseUrl);
		registry.add("edge.providers.kitchen.timeout", () -> "30s");
		registry.add("edge.providers.kitchen.retry.max-attempts", () -> "1");
		registry.add("edge.providers.kitchen.concurrency.enabled", () -> "true");
		registry.add("edge.providers.kitchen.concurrency.algorithm", () -> "fixed");
		registry.add("edge.providers.kitchen.concurrency.initial-limit", () -> Integer.toString(KITCHEN_LIMIT));
		registry.add("edge.providers.kitchen.concurrency.min-limit", () -> "1");
		registry.add("edge.providers.kitchen.concurrency.retry-after", () -> "2s");
		registry.add("edge.providers.delivery.url", heldDelivery::baseUrl);
		registry.add("edge.providers.delivery.timeout", () -> "30s");
		registry.add("edge.providers.delivery.retry.max-attempts", () -> "1");
		registry.add("edge.providers.delivery.concurrency.enabled", () -> "true");
		registry.add("edge.providers.delivery.concurrency.algorithm", () -> "fixed");
		registry.add("edge.providers.delivery.concurrency.initial-limit", () -> Integer.toString(DELIVERY_LIMIT));
		registry.add("edge.providers.delivery.concurrency.min-limit", () -> "1");
		registry.add("edge.providers.delivery.concurrency.partitions.interactive", () -> "75");
		registry.add("edge.providers.delivery.concurrency.partitions.prefetch", () -> "25");
		registry.add("edge.providers.restaurant.url", fast::baseUrl);
		// Composed: the kitchen part required, or optional; a restaurant part beside it.
		composition(registry, "ticket-view", true);
		composition(registry, "ticket-summary", false);
		route(registry, 0, "tickets", held.baseUrl(), "Path=/api/x/tickets/**", "/tickets", "kitchen");
		route(registry, 1, "deliveries", heldDelivery.baseUrl(), "Path=/api/x/deliveries/**", "/deliveries",
				"delivery");
	}

	static void composition(DynamicPropertyRegistry registry, String name, boolean required) {
		String c = "edge.compositions." + name + ".";
		registry.add(c + "request", () -> "GET /api/x/" + name + "/{id}");
		registry.add(c + "timeout", () -> "20s");
		registry.add(c + "parts.ticket.from", () -> "kitchen");
		registry.add(c + "parts.ticket.get", () -> "/tickets/{id}");
		registry.add(c + "parts.ticket.required", () -> Boolean.toString(required));
		registry.add(c + "parts.restaurant.from", () -> "restaurant");
		registry.add(c + "parts.restaurant.get", () -> "/restaurants/{id}");
	}

	static void route(DynamicPropertyRegistry registry, int index, String id, String uri, String path, String prefix,
			String provider) {
		String route = EdgeTestSupport.route(registry, index, id, uri, path,
				"RewritePath=/api/x/[a-z-]+/?(?<rest>.*), " + prefix + "/${rest}");
		registry.add(route + "metadata.provider", () -> provider);
	}

	static WireMockServer server() {
		return EdgeTestSupport.wireMock((options) -> options.containerThreads(60)
			.asynchronousResponseEnabled(true)
			.asynchronousResponseThreads(20));
	}

	@AfterAll
	static void stop() {
		EdgeTestSupport.stop(identity, held, heldDelivery, fast);
	}

	@Test
	void kitchenHeldAtItsLimit_overTheLimitFailsFast_503OverloadedWhereRequired_otherProviderUnaffected()
			throws Exception {
		ProviderLimit limit = this.engine.policy("kitchen").concurrencyLimit();
		// The limit filled by proxied calls the provider holds.
		List<CompletableFuture<HttpResponse<String>>> admitted = new ArrayList<>();
		for (int i = 0; i < KITCHEN_LIMIT; i++) {
			admitted.add(send("/api/x/tickets/held-" + i, false));
		}
		await(() -> limit.inFlight() == KITCHEN_LIMIT);

		// Over the limit, while those are held: a proxied call, a required part and an
		// optional part are refused without a call.
		// (one at a time: the first JSON answers are parsed while nothing else is)
		HttpResponse<String> proxied = send("/api/x/tickets/over", false).get(60, TimeUnit.SECONDS);
		HttpResponse<String> optional = send("/api/x/ticket-summary/8002", false).get(60, TimeUnit.SECONDS);
		HttpResponse<String> required = send("/api/x/ticket-view/8001", false).get(60, TimeUnit.SECONDS);
		assertThat(admitted).noneMatch(CompletableFuture::isDone);

		for (HttpResponse<String> overloaded : List.of(proxied, required)) {
			assertThat(overloaded.statusCode()).isEqualTo(503);
			assertThat(overloaded.headers().firstValue("Retry-After")).hasValue("2");
			assertThat(overloaded.headers().firstValue("Content-Type")).hasValue("application/problem+json");
			assertThat(overloaded.body()).contains("\"status\":503", "\"code\":\"overloaded\"")
				.doesNotContain("Exception", "127.0.0.1");
		}
		// The optional part degrades with the reason; the restaurant part is fresh.
		assertThat(optional.statusCode()).isEqualTo(200);
		assertThat(optional.body()).contains("\"reason\":\"concurrency-limit\"", "\"name\":\"Ajanta\"");

		assertThat(counter("kitchen", "admitted")).isEqualTo(KITCHEN_LIMIT);
		assertThat(counter("kitchen", "rejected")).isEqualTo(3);
		assertThat(this.meters.get("edge.composition.concurrency.limit").tag("provider", "kitchen").gauge().value())
			.isEqualTo(KITCHEN_LIMIT);
		assertThat(this.meters.get("edge.composition.concurrency.in-flight").tag("provider", "kitchen").gauge().value())
			.isEqualTo(KITCHEN_LIMIT);

		// The held calls are answered, and their slots come back.
		for (HttpResponse<String> answer : join(admitted)) {
			assertThat(answer.statusCode()).isEqualTo(200);
		}
		await(() -> limit.inFlight() == 0);
		// The journal holds only the admitted calls; the other provider got the optional
		// composition's call (the required one's may be cancelled before it is sent).
		assertThat(held.countRequestsMatching(getRequestedFor(urlPathMatching("/tickets/.*")).build()).getCount())
			.isEqualTo(KITCHEN_LIMIT);
		assertThat(fast.countRequestsMatching(getRequestedFor(urlPathMatching("/restaurants/8002")).build()).getCount())
			.isEqualTo(1);
	}

	@Test
	void deliveryAtItsLimit_prefetchGivesWayFirst_interactiveWithinItsSharePasses() throws Exception {
		ProviderLimit limit = this.engine.policy("delivery").concurrencyLimit();
		// Prefetch fills the whole limit (spare capacity is anyone's).
		List<CompletableFuture<HttpResponse<String>>> prefetch = new ArrayList<>();
		for (int i = 0; i < DELIVERY_LIMIT; i++) {
			prefetch.add(send("/api/x/deliveries/prefetch-" + i, true));
		}
		await(() -> limit.inFlight() == DELIVERY_LIMIT);

		// At the limit: more prefetch is refused, interactive passes within its share.
		HttpResponse<String> morePrefetch = send("/api/x/deliveries/prefetch-over", true).get(60, TimeUnit.SECONDS);
		List<CompletableFuture<HttpResponse<String>>> interactive = new ArrayList<>();
		for (int i = 0; i < DELIVERY_INTERACTIVE_SHARE; i++) {
			interactive.add(send("/api/x/deliveries/interactive-" + i, false));
		}
		await(() -> limit.inFlight() == DELIVERY_LIMIT + DELIVERY_INTERACTIVE_SHARE);
		HttpResponse<String> moreInteractive = send("/api/x/deliveries/interactive-over", false).get(60,
				TimeUnit.SECONDS);
		assertThat(prefetch).noneMatch(CompletableFuture::isDone);
		assertThat(interactive).noneMatch(CompletableFuture::isDone);

		assertThat(morePrefetch.statusCode()).isEqualTo(503);
		assertThat(morePrefetch.body()).contains("\"code\":\"overloaded\"");
		assertThat(moreInteractive.statusCode()).isEqualTo(503);

		for (HttpResponse<String> answer : join(prefetch)) {
			assertThat(answer.statusCode()).isEqualTo(200);
		}
		for (HttpResponse<String> answer : join(interactive)) {
			assertThat(answer.statusCode()).isEqualTo(200);
		}
		await(() -> limit.inFlight() == 0);
		// The journal: only the admitted calls.
		assertThat(
				heldDelivery.countRequestsMatching(getRequestedFor(urlPathMatching("/deliveries/prefetch-.*")).build())
					.getCount())
			.isEqualTo(DELIVERY_LIMIT);
		assertThat(heldDelivery
			.countRequestsMatching(getRequestedFor(urlPathMatching("/deliveries/interactive-.*")).build())
			.getCount()).isEqualTo(DELIVERY_INTERACTIVE_SHARE);
	}

	double counter(String provider, String outcome) {
		return this.meters.get("edge.composition.concurrency.requests")
			.tag("provider", provider)
			.tag("outcome", outcome)
			.functionCounter()
			.count();
	}

	CompletableFuture<HttpResponse<String>> send(String path, boolean prefetch) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
			.timeout(Duration.ofSeconds(120))
			.GET();
		if (prefetch) {
			request.header("X-Prefetch", "1");
		}
		return this.client.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	static List<HttpResponse<String>> join(List<CompletableFuture<HttpResponse<String>>> answers) throws Exception {
		List<HttpResponse<String>> joined = new ArrayList<>();
		for (CompletableFuture<HttpResponse<String>> answer : answers) {
			joined.add(answer.get(120, TimeUnit.SECONDS));
		}
		return joined;
	}

	/** Polls, with a generous bound: waiting for state, not measuring time. */
	static void await(BooleanSupplier condition) throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
		while (!condition.getAsBoolean()) {
			assertThat(System.nanoTime()).as("condition reached within 60s").isLessThan(deadline);
			Thread.sleep(20);
		}
	}

}
