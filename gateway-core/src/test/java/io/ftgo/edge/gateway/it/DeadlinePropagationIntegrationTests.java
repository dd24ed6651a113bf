package io.ftgo.edge.gateway.it;

import java.util.List;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.ftgo.edge.stubs.identity.DevIdentityProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.ftgo.edge.composition.policy.Deadline;
import io.ftgo.edge.gateway.filter.ProviderPolicyGlobalFilter;
import reactor.core.scheduler.Schedulers;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.Ordered;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Deadlines that travel: every provider call, composed or proxied, carries the time left
 * in {@code X-Request-Deadline-Ms}, never above the call's own timeout; a client's
 * shorter deadline is honoured, a longer one clamped, a malformed one refused with 400
 * and an expired one answered 504, both without a provider call (WireMock journals).
 */
@SpringBootTest(classes = EdgeTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "edge.rate-limit.enabled=false", "management.server.port=-1" })
@AutoConfigureWebTestClient(timeout = "20s")
@Import(DeadlinePropagationIntegrationTests.ExpireBeforeSending.class)
class DeadlinePropagationIntegrationTests {

	static final String HEADER = "X-Request-Deadline-Ms";

	static final DevIdentityProvider identity = DevIdentityProvider.startOnRandomPort();

	/** restaurant: timeout 3 s, proxied. */
	static final WireMockServer restaurant = server();

	/** order: timeout 5 s, composed under a 4 s composition deadline. */
	static final WireMockServer order = server();

	/** kitchen: timeout 5 s, proxied (clamped by max-client). */
	static final WireMockServer kitchen = server();

	/** Not a provider. */
	static final WireMockServer other = server();

	@Autowired
	WebTestClient client;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		EdgeTestSupport.permitAll(registry, identity, "/api/x/**");
		registry.add("edge.deadlines.max-client", () -> "2500ms");
		registry.add("edge.providers.restaurant.url", restaurant::baseUrl);
		registry.add("edge.providers.restaurant.timeout", () -> "3s");
		registry.add("edge.providers.order.url", order::baseUrl);
		registry.add("edge.providers.order.timeout", () -> "5s");
		registry.add("edge.providers.kitchen.url", kitchen::baseUrl);
		registry.add("edge.providers.kitchen.timeout", () -> "5s");
		registry.add("edge.compositions.order-view.request", () -> "GET /api/x/order-view/{id}");
		registry.add("edge.compositions.order-view.timeout", () -> "4s");
		registry.add("edge.compositions.order-view.parts.order.from", () -> "order");
		registry.add("edge.compositions.order-view.parts.order.get", () -> "/orders/{id}");
		registry.add("edge.compositions.order-view.parts.order.required", () -> "true");
		route(registry, 0, "restaurants", restaurant.baseUrl(), "Path=/api/x/restaurants/**");
		route(registry, 1, "kitchen", kitchen.baseUrl(), "Path=/api/x/kitchen/**");
		route(registry, 2, "other", other.baseUrl(), "Path=/api/x/other/**");
	}

	static void route(DynamicPropertyRegistry registry, int index, String id, String uri, String path) {
		EdgeTestSupport.route(registry, index, id, uri, path, "RewritePath=/api/x/(?<rest>.*), /${rest}");
	}

	static WireMockServer server() {
		return EdgeTestSupport.wireMock((options) -> options);
	}

	@AfterAll
	static void stop() {
		EdgeTestSupport.stop(identity, restaurant, order, kitchen, other);
	}

	@BeforeEach
	void reset() {
		for (WireMockServer server : List.of(restaurant, order, kitchen, other)) {
			server.resetAll();
			server.stubFor(any(urlPathMatching("/.*")).willReturn(
					aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody("{\"id\":1}")));
		}
	}

	@Test
	void proxiedCall_carriesTheTimeLeft_neverAboveTheRoutesDeadline() {
		this.client.get().uri("/api/x/restaurants/1").exchange().expectStatus().isOk();

		assertThat(sent(restaurant)).isBetween(1L, 3000L);
	}

	@Test
	void composedCall_carriesTheTimeLeft_neverAboveTheCompositionsDeadline() {
		this.client.get().uri("/api/x/order-view/1").exchange().expectStatus().isOk();

		assertThat(sent(order)).isBetween(1L, 4000L);
	}

	@Test
	void clientsSmallerDeadline_isHonoured_composedAndProxied() {
		this.client.get().uri("/api/x/restaurants/1").header(HEADER, "1500").exchange().expectStatus().isOk();
		this.client.get().uri("/api/x/order-view/1").header(HEADER, "2000").exchange().expectStatus().isOk();

		assertThat(sent(restaurant)).isBetween(1L, 1500L);
		assertThat(sent(order)).isBetween(1L, 2000L);
	}

	@Test
	void clientsLargerDeadline_isClamped() {
		this.client.get().uri("/api/x/restaurants/1").header(HEADER, "100000").exchange().expectStatus().isOk();
		this.client.get().uri("/api/x/kitchen/1").header(HEADER, "100000").exchange().expectStatus().isOk();

		assertThat(sent(restaurant)).isBetween(1L, 3000L);
		// edge.deadlines.max-client: 2500ms, below kitchen's 5s.
		assertThat(sent(kitchen)).isBetween(1L, 2500L);
	}

	@Test
	void malformedClientDeadline_400ProblemWithoutProviderCalls() {
		for (String bad : List.of("soon", "1.5", "", "99999999999999999999")) {
			for (String uri : List.of("/api/x/restaurants/1", "/api/x/order-view/1", "/api/x/other/1")) {
				this.client.get()
					.uri(uri)
					.header(HEADER, bad)
					.exchange()
					.expectStatus()
					.isBadRequest()
					.expectHeader()
					.contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
					.expectBody()
					.jsonPath("$.code")
					.isEqualTo("invalid_deadline");
			}
		}
		this.client.get()
			.uri("/api/x/restaurants/1")
			.header(HEADER, "100", "200")
			.exchange()
			.expectStatus()
			.isBadRequest();
		assertThat(calls(restaurant) + calls(order) + calls(other)).isZero();
	}

	@Test
	void expiredClientDeadline_504AtOnceWithoutProviderCalls() {
		for (String expired : List.of("0", "-5")) {
			for (String uri : List.of("/api/x/restaurants/1", "/api/x/order-view/1")) {
				this.client.get()
					.uri(uri)
					.header(HEADER, expired)
					.exchange()
					.expectStatus()
					.isEqualTo(504)
					.expectHeader()
					.contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
			}
			this.client.post()
				.uri("/api/x/restaurants")
				.contentType(MediaType.APPLICATION_JSON)
				.header(HEADER, expired)
				.bodyValue("{}")
				.exchange()
				.expectStatus()
				.isEqualTo(504);
		}
		assertThat(calls(restaurant) + calls(order)).isZero();
	}

	/**
	 * A deadline that passes after the attempt started but before the call is sent (here
	 * forced: a filter between the provider policy and the HTTP client swaps in a spent
	 * deadline): the call is not sent, the client gets 504.
	 */
	@Test
	void deadlinePassedBeforeTheCallIsSent_notSent_504() {
		this.client.get()
			.uri("/api/x/restaurants/1")
			.header(ExpireBeforeSending.HEADER, "1")
			.exchange()
			.expectStatus()
			.isEqualTo(504)
			.expectHeader()
			.contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);

		assertThat(calls(restaurant)).isZero();
	}

	/** Test only: spends the proxied call's deadline after the policy let it start. */
	@TestConfiguration(proxyBeanMethods = false)
	static class ExpireBeforeSending {

		static final String HEADER = "X-Test-Expire-Deadline";

		@Bean
		GlobalFilter expireBeforeSending() {
			return new ExpiringFilter();
		}

		static final class ExpiringFilter implements GlobalFilter, Ordered {

			@Override
			public int getOrder() {
				return ProviderPolicyGlobalFilter.ORDER + 1;
			}

			@Override
			public reactor.core.publisher.Mono<Void> filter(org.springframework.web.server.ServerWebExchange exchange,
					org.springframework.cloud.gateway.filter.GatewayFilterChain chain) {
				if (exchange.getRequest().getHeaders().containsHeader(HEADER)) {
					exchange.getAttributes()
						.put(ProviderPolicyGlobalFilter.DEADLINE_ATTR,
								new Deadline(Schedulers.parallel(), java.time.Duration.ZERO));
				}
				return chain.filter(exchange);
			}

		}

	}

	@Test
	void routeToNoProvider_clientsHeaderNotForwarded() {
		this.client.get().uri("/api/x/other/1").header(HEADER, "700").exchange().expectStatus().isOk();

		assertThat(only(other).containsHeader(HEADER)).isFalse();
	}

	static long sent(WireMockServer server) {
		LoggedRequest request = only(server);
		assertThat(request.getHeaders().getHeader(HEADER).values()).hasSize(1);
		return Long.parseLong(request.getHeader(HEADER));
	}

	static LoggedRequest only(WireMockServer server) {
		List<LoggedRequest> requests = server.findAll(anyRequestedFor(anyUrl()));
		assertThat(requests).hasSize(1);
		return requests.get(0);
	}

	static int calls(WireMockServer server) {
		return server.countRequestsMatching(anyRequestedFor(anyUrl()).build()).getCount();
	}

}
