package io.ftgo.edge.bff.mobile;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import com.github.tomakehurst.wiremock.client.WireMock;
import io.ftgo.edge.composition.CompositionEngine;
import io.ftgo.edge.composition.ProviderRegistry;
import io.ftgo.edge.composition.policy.ProviderLimit;
import io.ftgo.edge.composition.policy.ProviderSettings;
import io.ftgo.edge.stubs.EdgeTestEnvironment;
import io.ftgo.edge.stubs.FtgoProviders;
import io.ftgo.edge.stubs.Provider;
import io.ftgo.edge.stubs.ProviderFault;
import io.ftgo.edge.stubs.grpc.GrpcOrderProvider;
import io.ftgo.edge.stubs.identity.DevIdentityProvider;
import io.ftgo.edge.stubs.junit.EdgeTest;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.context.ApplicationContext;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

import io.ftgo.edge.gateway.shedding.EdgeConcurrencyProperties;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * bff-mobile end to end: the real application with its own application.yaml, the FTGO
 * stub providers and the dev identity provider; every endpoint of docs/api.md's
 * bff-mobile table, its security, object-level authorization, the fault ids and
 * robustness.
 */
@EdgeTest
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient(timeout = "20s")
class MobileBffIntegrationTests {

	@Autowired
	ApplicationContext applicationContext;

	static final EdgeTestEnvironment env = EdgeTestEnvironment.shared();

	static final DevIdentityProvider identity = env.identity();

	static final FtgoProviders providers = env.providers();

	/** The order service, over gRPC (bff-mobile never calls it over HTTP). */
	static final GrpcOrderProvider orders = env.grpcOrders();

	@Autowired
	WebTestClient client;

	@Autowired
	CompositionEngine engine;

	@LocalManagementPort
	int managementPort;

	@BeforeEach
	void closeBreakers() {
		// Each test starts with closed breakers, whatever the tests before it failed.
		this.engine.circuitBreakerRegistry().getAllCircuitBreakers().forEach(CircuitBreaker::reset);
	}

	static String token(String user) {
		return identity.passwordGrant(user, "password");
	}

	WebTestClient.ResponseSpec get(String user, String uri) {
		return this.client.get().uri(uri).headers((h) -> h.setBearerAuth(token(user))).exchange();
	}

	// status card: GET /api/mobile/orders/{orderId}/status

	@Test
	void status_ownOrder_flatCardUnderOneKilobyte() {
		EntityExchangeResult<byte[]> result = get("alice", "/api/mobile/orders/7001/status").expectStatus()
			.isOk()
			.expectHeader()
			.exists(HttpHeaders.ETAG)
			.expectHeader()
			.valueEquals("X-Composition-Complete", "true")
			.expectHeader()
			.doesNotExist("X-Degraded-Parts")
			.expectBody()
			.jsonPath("$.orderId")
			.isEqualTo(7001)
			.jsonPath("$.state")
			.isEqualTo("APPROVED")
			.jsonPath("$.total")
			.isEqualTo("61.70")
			.jsonPath("$.restaurant")
			.isEqualTo("Ajanta")
			.jsonPath("$.delivery")
			.isEqualTo("SCHEDULED")
			.jsonPath("$.eta")
			.isNotEmpty()
			.jsonPath("$.courier.lat")
			.isNumber()
			.jsonPath("$.courier.lng")
			.isNumber()
			.jsonPath("$._meta")
			.doesNotExist()
			.jsonPath("$.consumerId")
			.doesNotExist()
			.returnResult();

		assertThat(result.getResponseBody()).hasSizeLessThan(1024);
		assertThat(providers.requestCount(Provider.DELIVERY, "GET", "/deliveries/7001")).isEqualTo(1);
	}

	@Test
	void status_ifNoneMatch_304WithoutBody() {
		String etag = get("alice", "/api/mobile/orders/7001/status").returnResult(String.class)
			.getResponseHeaders()
			.getETag();

		this.client.get()
			.uri("/api/mobile/orders/7001/status")
			.headers((h) -> h.setBearerAuth(token("alice")))
			.header(HttpHeaders.IF_NONE_MATCH, etag)
			.exchange()
			.expectStatus()
			.isNotModified()
			.expectBody()
			.isEmpty();
	}

	@Test
	void status_anotherConsumersOrder_404ProblemAndNothingElseCalled() {
		get("bob", "/api/mobile/orders/7001/status").expectStatus()
			.isNotFound()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody(String.class)
			.value((body) -> assertThat(body).doesNotContain("Ajanta", "61.70"));

		assertThat(providers.requestCount(Provider.DELIVERY)).isZero();
		assertThat(providers.requestCount(Provider.RESTAURANT)).isZero();
	}

	@Test
	void status_noToken_401Problem() {
		this.client.get()
			.uri("/api/mobile/orders/7001/status")
			.exchange()
			.expectStatus()
			.isUnauthorized()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON);

		assertThat(orders.callCount()).isZero();
	}

	@Test
	void status_tokenWithoutMobileScope_403Problem() {
		String webOnly = identity.minter().forConsumer(1001, "web").sign();

		this.client.get()
			.uri("/api/mobile/orders/7001/status")
			.headers((h) -> h.setBearerAuth(webOnly))
			.exchange()
			.expectStatus()
			.isForbidden()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON);

		assertThat(orders.callCount()).isZero();
	}

	@Test
	void status_deliverySlow7901_200DegradationInHeaders() {
		get("alice", "/api/mobile/orders/7901/status").expectStatus()
			.isOk()
			.expectHeader()
			.valueEquals("X-Composition-Complete", "false")
			.expectHeader()
			.value("X-Degraded-Parts", (parts) -> assertThat(parts).contains("delivery;status=omitted;reason=timeout"))
			.expectBody()
			.jsonPath("$.state")
			.isEqualTo("APPROVED")
			.jsonPath("$.restaurant")
			.isEqualTo("Ajanta")
			.jsonPath("$.eta")
			.doesNotExist()
			.jsonPath("$._meta")
			.doesNotExist();
	}

	@Test
	void status_restaurantMalformed7904_200RestaurantDegradedInHeaders() {
		get("alice", "/api/mobile/orders/7904/status").expectStatus()
			.isOk()
			.expectHeader()
			.value("X-Degraded-Parts",
					(parts) -> assertThat(parts).contains("restaurant;status=omitted;reason=bad-payload"))
			.expectBody()
			.jsonPath("$.restaurant")
			.doesNotExist()
			.jsonPath("$.total")
			.isEqualTo("22.70");
	}

	@Test
	void status_deliveryFailsAfterAGoodAnswer_staleWithAgeInHeaders() {
		get("alice", "/api/mobile/orders/7006/status").expectStatus().isOk();
		providers.inject(Provider.DELIVERY, ProviderFault.status(500).onPath("/deliveries/7006"));

		get("alice", "/api/mobile/orders/7006/status").expectStatus()
			.isOk()
			.expectHeader()
			.value("X-Degraded-Parts",
					(parts) -> assertThat(parts).matches("delivery;status=stale;reason=http-status;age=\\d+"))
			.expectBody()
			.jsonPath("$.delivery")
			.isEqualTo("SCHEDULED");
	}

	@Test
	void status_orderProviderStopped_502Problem() {
		orders.stop();

		get("alice", "/api/mobile/orders/7001/status").expectStatus()
			.isEqualTo(502)
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON);
	}

	@Test
	void status_providersAddUnknownFieldsAndOmitOptionalOnes_200() {
		providers.server(Provider.DELIVERY)
			.stubFor(WireMock.get(urlPathEqualTo("/deliveries/7005"))
				.atPriority(1)
				.willReturn(aResponse().withHeader("Content-Type", "application/json")
					.withBody("{\"deliveryInfo\":{\"id\":7005,\"state\":\"SCHEDULED\",\"vehicle\":\"bike\"},"
							+ "\"weather\":{\"rain\":true}}")));
		providers.server(Provider.RESTAURANT)
			.stubFor(WireMock.get(urlPathEqualTo("/restaurants/504"))
				.atPriority(1)
				.willReturn(aResponse().withHeader("Content-Type", "application/json")
					.withBody("{\"id\":504,\"name\":\"Sushi Sora\",\"rating\":4.5}")));

		get("alice", "/api/mobile/orders/7005/status").expectStatus()
			.isOk()
			.expectHeader()
			.valueEquals("X-Composition-Complete", "true")
			.expectBody()
			.jsonPath("$.delivery")
			.isEqualTo("SCHEDULED")
			.jsonPath("$.restaurant")
			.isEqualTo("Sushi Sora")
			.jsonPath("$.eta")
			.doesNotExist()
			.jsonPath("$.courier")
			.doesNotExist();
	}

	// home: GET /api/mobile/home

	@Test
	void home_alice_firstNameAndActiveOrdersAsCards() {
		EntityExchangeResult<byte[]> result = get("alice", "/api/mobile/home").expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.firstName")
			.isEqualTo("Alice")
			.jsonPath("$.activeOrders[?(@.orderId == 7001)].total")
			.isEqualTo(List.of("61.70"))
			.jsonPath("$.activeOrders[?(@.orderId == 7001)].delivery")
			.isEqualTo(List.of("SCHEDULED"))
			.jsonPath("$.activeOrders[?(@.orderId == 7001)].restaurant")
			.isEqualTo(List.of("Ajanta"))
			.jsonPath("$.activeOrders[?(@.orderId == 7007)]")
			.isEmpty()
			.jsonPath("$.activeOrders[?(@.orderId == 7009)]")
			.isEmpty()
			.jsonPath("$.activeOrders[?(@.orderId == 7002)]")
			.isEmpty()
			.returnResult();

		assertThat(new String(result.getResponseBody(), StandardCharsets.UTF_8)).doesNotContain("consumerId");
		assertThat(providers.requestCount(Provider.CONSUMER, "GET", "/consumers/1001")).isEqualTo(1);
		// Only the 11 active of alice's 13 orders are fetched: never 7007 (REJECTED) or
		// 7009 (CANCELLED).
		List<String> active = List.of("7904", "7903", "7902", "7901", "7010", "7008", "7006", "7005", "7004", "7003",
				"7001");
		assertThat(providers.requests(Provider.DELIVERY).stream().map((r) -> r.getUrl()).distinct())
			.containsExactlyInAnyOrderElementsOf(active.stream().map((id) -> "/deliveries/" + id).toList());
		assertThat(orders.calls("GetOrder")
			.stream()
			.map((call) -> String
				.valueOf(((net.chrisrichardson.ftgo.orderservice.grpc.GetOrderRequest) call.request().orElseThrow())
					.getOrderId()))
			.distinct()).containsExactlyInAnyOrderElementsOf(active);
		assertThat(providers.requestCount(Provider.DELIVERY, "GET", "/deliveries/700[79]")).isZero();
	}

	@Test
	void home_bob_onlyHisOrders() {
		get("bob", "/api/mobile/home").expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.firstName")
			.isEqualTo("Bob")
			.jsonPath("$.activeOrders[*].orderId")
			.isEqualTo(List.of(7011, 7002));
	}

	@Test
	void home_consumerWithoutOrders_emptyList() {
		get("dave", "/api/mobile/home").expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.firstName")
			.isEqualTo("Dave")
			.jsonPath("$.activeOrders")
			.isEmpty();
	}

	@Test
	void home_consumerServiceDown_200WithoutFirstNameDegradedInHeaders() {
		providers.stop(Provider.CONSUMER);

		get("dave", "/api/mobile/home").expectStatus()
			.isOk()
			.expectHeader()
			.value("X-Degraded-Parts", (parts) -> assertThat(parts).contains("consumer;status=omitted;reason=connect"))
			.expectBody()
			.jsonPath("$.firstName")
			.doesNotExist();
	}

	@Test
	void home_noToken_401() {
		this.client.get().uri("/api/mobile/home").exchange().expectStatus().isUnauthorized();
	}

	// menu: GET /api/mobile/restaurants/{id}/menu

	@Test
	void menu_trimmedToIdsNamesPrices() {
		get("alice", "/api/mobile/restaurants/501/menu").expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.id")
			.isEqualTo(501)
			.jsonPath("$.name")
			.isEqualTo("Ajanta")
			.jsonPath("$.address")
			.doesNotExist()
			.jsonPath("$.menu.length()")
			.isEqualTo(5)
			.jsonPath("$.menu[0].id")
			.isEqualTo(50101)
			.jsonPath("$.menu[0].name")
			.isEqualTo("Chicken Vindaloo")
			.jsonPath("$.menu[0].price")
			.isEqualTo("12.50");
	}

	@Test
	void menu_extraFieldsOnItems_trimmedAway() {
		providers.server(Provider.RESTAURANT)
			.stubFor(WireMock.get(urlPathEqualTo("/restaurants/502"))
				.atPriority(1)
				.willReturn(aResponse().withHeader("Content-Type", "application/json")
					.withBody("{\"id\":502,\"name\":\"Egg Shop\",\"menu\":[{\"id\":50201,\"name\":\"Egg Sandwich\","
							+ "\"price\":\"9.50\",\"allergens\":[\"egg\"],\"photo\":\"https://x\"}]}")));

		get("alice", "/api/mobile/restaurants/502/menu").expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.menu[0].price")
			.isEqualTo("9.50")
			.jsonPath("$.menu[0].allergens")
			.doesNotExist()
			.jsonPath("$.menu[0].photo")
			.doesNotExist();
	}

	@Test
	void menu_twoUsers_cachedOnceForEveryone() {
		get("alice", "/api/mobile/restaurants/504/menu").expectStatus().isOk();
		get("bob", "/api/mobile/restaurants/504/menu").expectStatus().isOk();
		get("carol", "/api/mobile/restaurants/504/menu").expectStatus()
			.isOk()
			.expectHeader()
			.valueEquals("X-Cache", "HIT");

		assertThat(providers.requestCount(Provider.RESTAURANT, "GET", "/restaurants/504")).isLessThanOrEqualTo(1);
	}

	@Test
	void menu_unknownRestaurant_404Problem() {
		get("alice", "/api/mobile/restaurants/599/menu").expectStatus()
			.isNotFound()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON);
	}

	@Test
	void menu_restaurantMalformed_502Problem() {
		get("alice", "/api/mobile/restaurants/503/menu").expectStatus()
			.isEqualTo(502)
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON);
	}

	// create: POST /api/mobile/orders

	@Test
	void createOrder_consumerIdFromTheTokenNotTheBody() {
		this.client.post()
			.uri("/api/mobile/orders")
			.headers((h) -> h.setBearerAuth(token("bob")))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"consumerId\":1001,\"restaurantId\":502}")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.orderId")
			.isEqualTo(7100);

		net.chrisrichardson.ftgo.orderservice.grpc.CreateOrderRequest received = (net.chrisrichardson.ftgo.orderservice.grpc.CreateOrderRequest) orders
			.calls("createOrder")
			.get(0)
			.request()
			.orElseThrow();
		assertThat(received.getConsumerId()).isEqualTo(1002);
		assertThat(received.getRestaurantId()).isEqualTo(502);
	}

	@Test
	void createOrder_orderServiceFails_502AndNeverRetried() {
		orders.inject(io.ftgo.edge.stubs.grpc.GrpcFault.dropConnection().forMethod("createOrder"));

		this.client.post()
			.uri("/api/mobile/orders")
			.headers((h) -> h.setBearerAuth(token("alice")))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"restaurantId\":501}")
			.exchange()
			.expectStatus()
			.isEqualTo(502)
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON);

		assertThat(orders.callCount("createOrder")).isEqualTo(1);
	}

	@Test
	void createOrder_noToken_401AndNothingForwarded() {
		this.client.post()
			.uri("/api/mobile/orders")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{}")
			.exchange()
			.expectStatus()
			.isUnauthorized();

		assertThat(orders.callCount()).isZero();
	}

	// actuator

	@Test
	void actuator_probesOnManagementPort() {
		WebTestClient management = WebTestClient.bindToServer()
			.baseUrl("http://localhost:" + this.managementPort)
			.responseTimeout(Duration.ofSeconds(10))
			.build();

		management.get().uri("/actuator/health/liveness").exchange().expectStatus().isOk();
		management.get().uri("/actuator/health/readiness").exchange().expectStatus().isOk();
		management.get().uri("/actuator/prometheus").exchange().expectStatus().isOk();
		management.get().uri("/actuator/env").exchange().expectStatus().isNotFound();
	}

	/**
	 * A transcoded route (HTTP to gRPC) is a pipeline of its own, with its links in order
	 * and its gRPC method and provider, as a proxied route or a composition is.
	 */
	@Test
	void actuator_pipelines_listTheTranscodedCreateOrderRoute() {
		WebTestClient management = WebTestClient.bindToServer()
			.baseUrl("http://localhost:" + this.managementPort)
			.responseTimeout(Duration.ofSeconds(10))
			.build();

		management.get()
			.uri("/actuator/pipelines")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$['mobile-create-order'].kind")
			.isEqualTo("transcoded")
			.jsonPath("$['mobile-create-order'].method")
			.isEqualTo("POST")
			.jsonPath("$['mobile-create-order'].paths")
			.isEqualTo(List.of("/api/mobile/orders"))
			.jsonPath("$['mobile-create-order'].links[*].name")
			.isEqualTo(List.of("access-log", "request-context", "limits", "reserved-headers", "shedding",
					"auth-failure-limit", "security", "rate-limit", "route"))
			.jsonPath("$['mobile-create-order'].links[?(@.name == 'security')].settings.rules[0].access")
			.value((access) -> assertThat(String.valueOf(access)).contains("scopes"))
			.jsonPath("$['mobile-create-order'].links[-1:].settings.provider")
			.isEqualTo(List.of("order"))
			.jsonPath("$['mobile-create-order'].links[-1:].settings.grpc")
			.isEqualTo(List.of("OrderService/createOrder"))
			.jsonPath("$['mobile-create-order'].links[-1:].settings.timeout")
			.isEqualTo(List.of("PT3S"))
			.jsonPath("$['mobile-create-order'].links[-1:].settings.kind")
			.isEqualTo(List.of("transcoded"));
		management.get()
			.uri("/actuator/pipelines/mobile-create-order")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.links[0].name")
			.isEqualTo("access-log")
			.jsonPath("$.links[-1:].settings.input.consumerId")
			.isEqualTo(List.of("{principal.consumerId}"));
	}

	@Test
	void shippedLimits_everyProviderLimited_bffWideFloorSizedToThePileUp() {
		// The BFF-wide floor is sized to a GC pause's pile-up (docs/load-shedding.md);
		// what queues at a slow provider is bounded by that provider's own limit.
		EdgeConcurrencyProperties bffWide = this.applicationContext.getBean(EdgeConcurrencyProperties.class);
		assertThat(bffWide.enabled()).isTrue();
		assertThat(bffWide.minLimit()).isEqualTo(200);
		assertThat(bffWide.initialLimit()).isEqualTo(200);
		ProviderRegistry registry = this.applicationContext.getBean(ProviderRegistry.class);
		CompositionEngine compositionEngine = this.applicationContext.getBean(CompositionEngine.class);
		// every provider of the shipped application.yaml (the test environment may
		// add others)
		assertThat(registry.names()).contains("order", "delivery", "consumer", "restaurant");
		assertThat(List.of("order", "delivery", "consumer", "restaurant")).allSatisfy((id) -> {
			ProviderLimit limit = compositionEngine.policy(id).concurrencyLimit();
			assertThat(limit).as(id).isNotNull();
			ProviderSettings.ConcurrencySettings settings = limit.settings();
			assertThat(settings.algorithm()).isEqualTo("gradient2");
			assertThat(settings.initialLimit()).isEqualTo(64);
			assertThat(settings.minLimit()).isEqualTo(8);
			assertThat(settings.maxLimit()).isEqualTo(64);
			assertThat(settings.tolerance()).isEqualTo(1.0);
			assertThat(settings.queueSize()).isEqualTo(2);
			assertThat(settings.smoothing()).isEqualTo(1.0);
			assertThat(settings.warmUp()).hasSeconds(30);
			assertThat(settings.partitions().keySet()).containsExactly("interactive", "prefetch");
			assertThat(settings.partitions().keySet()).isEqualTo(bffWide.partitions().keySet());
		});
	}

}
