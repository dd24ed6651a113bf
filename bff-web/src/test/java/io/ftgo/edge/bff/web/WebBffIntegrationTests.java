package io.ftgo.edge.bff.web;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.ftgo.edge.composition.CompositionEngine;
import io.ftgo.edge.stubs.EdgeTestEnvironment;
import io.ftgo.edge.stubs.FtgoProviders;
import io.ftgo.edge.stubs.Provider;
import io.ftgo.edge.stubs.ProviderFault;
import io.ftgo.edge.stubs.identity.DevIdentityProvider;
import io.ftgo.edge.stubs.junit.EdgeTest;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * bff-web end to end: the real application with its own application.yaml, the FTGO stub
 * providers and the dev identity provider; every endpoint of docs/api.md's bff-web table,
 * its security, object-level authorization, the fault ids and robustness. Provider calls
 * are counted from WireMock's journal.
 */
@EdgeTest
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient(timeout = "20s")
class WebBffIntegrationTests {

	static final EdgeTestEnvironment env = EdgeTestEnvironment.shared();

	static final DevIdentityProvider identity = env.identity();

	static final FtgoProviders providers = env.providers();

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

	WebTestClient.ResponseSpec post(String user, String uri, String json) {
		return this.client.post()
			.uri(uri)
			.headers((h) -> h.setBearerAuth(token(user)))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(json)
			.exchange();
	}

	static long historyCalls(String consumerId) {
		return providers.requests(Provider.ORDER)
			.stream()
			.filter((r) -> r.getUrl().equals("/orders?consumerId=" + consumerId))
			.count();
	}

	// order page: GET /api/web/orders/{orderId}

	@Test
	void orderPage_ownOrder_allSixPartsFreshEachProviderCalledOnce() {
		get("alice", "/api/web/orders/7001").expectStatus()
			.isOk()
			.expectHeader()
			.exists(HttpHeaders.ETAG)
			.expectBody()
			.jsonPath("$.order.orderId")
			.isEqualTo(7001)
			.jsonPath("$.order.orderTotal")
			.isEqualTo("61.70")
			.jsonPath("$.ticket.state")
			.isEqualTo("PICKED_UP")
			.jsonPath("$.delivery.deliveryInfo.state")
			.isEqualTo("SCHEDULED")
			.jsonPath("$.bill.state")
			.isEqualTo("AUTHORIZED")
			.jsonPath("$.restaurant.name")
			.isEqualTo("Ajanta")
			.jsonPath("$.restaurant.address.city")
			.isNotEmpty()
			.jsonPath("$.restaurant.menu")
			.doesNotExist()
			.jsonPath("$.consumer.firstName")
			.isEqualTo("Alice")
			.jsonPath("$.consumer.lastName")
			.isEqualTo("Archer")
			.jsonPath("$._meta.complete")
			.isEqualTo(true);

		assertThat(providers.requestCount(Provider.ORDER, "GET", "/orders/7001")).isEqualTo(1);
		assertThat(providers.requestCount(Provider.KITCHEN, "GET", "/tickets/7001")).isEqualTo(1);
		assertThat(providers.requestCount(Provider.DELIVERY, "GET", "/deliveries/7001")).isEqualTo(1);
		assertThat(providers.requestCount(Provider.ACCOUNTING, "GET", "/bills/7001")).isEqualTo(1);
		assertThat(providers.requestCount(Provider.CONSUMER, "GET", "/consumers/1001")).isEqualTo(1);
	}

	@Test
	void orderPage_orderFirstThenTheRestAfterIt() {
		get("alice", "/api/web/orders/7001").expectStatus().isOk();

		long orderReceived = providers.requests(Provider.ORDER).get(0).getLoggedDate().getTime();
		for (Provider provider : List.of(Provider.KITCHEN, Provider.DELIVERY, Provider.ACCOUNTING, Provider.CONSUMER)) {
			assertThat(providers.requests(provider).get(0).getLoggedDate().getTime())
				.isGreaterThanOrEqualTo(orderReceived);
		}
	}

	@Test
	void orderPage_anotherConsumersOrder_404ProblemAndNothingElseCalled() {
		get("bob", "/api/web/orders/7001").expectStatus()
			.isNotFound()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody(String.class)
			.value((body) -> assertThat(body).doesNotContain("1001", "Ajanta", "Alice"));

		assertThat(providers.requestCount(Provider.KITCHEN)).isZero();
		assertThat(providers.requestCount(Provider.DELIVERY)).isZero();
		assertThat(providers.requestCount(Provider.ACCOUNTING)).isZero();
		assertThat(providers.requestCount(Provider.CONSUMER)).isZero();
		assertThat(providers.requestCount(Provider.RESTAURANT)).isZero();
	}

	@Test
	void orderPage_unknownOrder_404Problem() {
		get("alice", "/api/web/orders/9999").expectStatus()
			.isNotFound()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON);
	}

	@Test
	void orderPage_ifNoneMatch_304() {
		String etag = get("alice", "/api/web/orders/7001").returnResult(String.class).getResponseHeaders().getETag();

		this.client.get()
			.uri("/api/web/orders/7001")
			.headers((h) -> h.setBearerAuth(token("alice")))
			.header(HttpHeaders.IF_NONE_MATCH, etag)
			.exchange()
			.expectStatus()
			.isNotModified();
	}

	@Test
	void orderPage_noToken_401ProblemAndNoProviderCall() {
		this.client.get()
			.uri("/api/web/orders/7001")
			.exchange()
			.expectStatus()
			.isUnauthorized()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON);

		assertThat(providers.requestCount(Provider.ORDER)).isZero();
	}

	@Test
	void orderPage_partnerTokenWithoutWebScope_403ProblemAndNoProviderCall() {
		String partner = identity.clientCredentialsGrant("partner-ajanta", "ajanta-secret");

		this.client.get()
			.uri("/api/web/orders/7001")
			.headers((h) -> h.setBearerAuth(partner))
			.exchange()
			.expectStatus()
			.isForbidden()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON);

		assertThat(providers.requestCount(Provider.ORDER)).isZero();
	}

	@Test
	void orderPage_expiredToken_401Problem() {
		this.client.get()
			.uri("/api/web/orders/7001")
			.headers((h) -> h.setBearerAuth(identity.minter().forConsumer(1001, "web").expired().sign()))
			.exchange()
			.expectStatus()
			.isUnauthorized()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON);
	}

	// degradation: the fault ids

	@Test
	void orderPage_deliverySlow7901_200WithDeliveryDegradedByTimeout() {
		get("alice", "/api/web/orders/7901").expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.order.orderId")
			.isEqualTo(7901)
			.jsonPath("$._meta.complete")
			.isEqualTo(false)
			.jsonPath("$._meta.parts.delivery.status")
			.isEqualTo("omitted")
			.jsonPath("$._meta.parts.delivery.reason")
			.isEqualTo("timeout")
			.jsonPath("$._meta.parts.ticket.status")
			.isEqualTo("fresh");
	}

	@Test
	void orderPage_kitchen500_7902_200WithTicketDegradedByHttpStatus() {
		get("alice", "/api/web/orders/7902").expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.ticket")
			.doesNotExist()
			.jsonPath("$._meta.parts.ticket.status")
			.isEqualTo("omitted")
			.jsonPath("$._meta.parts.ticket.reason")
			.isEqualTo("http-status")
			.jsonPath("$._meta.parts.ticket.httpStatus")
			.isEqualTo(500)
			.jsonPath("$._meta.parts.delivery.status")
			.isEqualTo("fresh");
	}

	@Test
	void orderPage_accountingResets7903_200WithBillDegraded() {
		get("alice", "/api/web/orders/7903").expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.bill")
			.doesNotExist()
			.jsonPath("$._meta.parts.bill.status")
			.isEqualTo("omitted")
			.jsonPath("$._meta.parts.bill.reason")
			.isEqualTo("connect")
			.jsonPath("$.ticket.state")
			.isEqualTo("READY_FOR_PICKUP");
	}

	@Test
	void orderPage_restaurantMalformed7904_200WithRestaurantDegradedByBadPayload() {
		get("alice", "/api/web/orders/7904").expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.restaurant")
			.doesNotExist()
			.jsonPath("$._meta.parts.restaurant.status")
			.isEqualTo("omitted")
			.jsonPath("$._meta.parts.restaurant.reason")
			.isEqualTo("bad-payload")
			.jsonPath("$.order.restaurantId")
			.isEqualTo(503);
	}

	@Test
	void orderPage_deliveryFailsAfterAGoodAnswer_200WithStaleDeliveryAndItsAge() {
		get("alice", "/api/web/orders/7006").expectStatus().isOk();
		providers.inject(Provider.DELIVERY, ProviderFault.status(503).onPath("/deliveries/7006"));

		get("alice", "/api/web/orders/7006").expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.delivery.deliveryInfo.state")
			.isEqualTo("SCHEDULED")
			.jsonPath("$._meta.complete")
			.isEqualTo(false)
			.jsonPath("$._meta.parts.delivery.status")
			.isEqualTo("stale")
			.jsonPath("$._meta.parts.delivery.reason")
			.isEqualTo("http-status")
			.jsonPath("$._meta.parts.delivery.ageSeconds")
			.value((age) -> assertThat(((Number) age).longValue()).isBetween(0L, 60L));
	}

	@Test
	void orderPage_orderProviderStopped_502ProblemWithoutInternals() {
		providers.stop(Provider.ORDER);

		get("alice", "/api/web/orders/7001").expectStatus()
			.isEqualTo(502)
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody(String.class)
			.value((body) -> assertThat(body).doesNotContain("127.0.0.1", "localhost", "Exception", "at io."));
	}

	@Test
	void orderPage_orderProviderTooSlow_504Problem() {
		providers.inject(Provider.ORDER, ProviderFault.delay(Duration.ofSeconds(3)));

		get("alice", "/api/web/orders/7001").expectStatus()
			.isEqualTo(504)
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON);
	}

	@Test
	void orderPage_orderProviderAnswers503_502Problem() {
		providers.inject(Provider.ORDER, ProviderFault.status(503).onPath("/orders/7003"));

		get("alice", "/api/web/orders/7003").expectStatus()
			.isEqualTo(502)
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON);
	}

	// robustness

	@Test
	void orderPage_providersAddUnknownFieldsAndOmitOptionalOnes_200() {
		providers.server(Provider.ORDER)
			.stubFor(WireMock.get(urlPathEqualTo("/orders/7005"))
				.atPriority(1)
				.willReturn(aResponse().withHeader("Content-Type", "application/json")
					.withBody("{\"orderId\":7005,\"state\":\"APPROVED\",\"orderTotal\":\"36.80\",\"consumerId\":1001,"
							+ "\"restaurantId\":504,\"lineItems\":[],\"loyaltyPoints\":12,\"v\":{\"x\":1}}")));
		providers.server(Provider.DELIVERY)
			.stubFor(WireMock.get(urlPathEqualTo("/deliveries/7005"))
				.atPriority(1)
				.willReturn(aResponse().withHeader("Content-Type", "application/json")
					.withBody("{\"deliveryInfo\":{\"id\":7005,\"state\":\"SCHEDULED\",\"zone\":\"B\"},"
							+ "\"drone\":true}")));

		get("alice", "/api/web/orders/7005").expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.order.state")
			.isEqualTo("APPROVED")
			.jsonPath("$.delivery.deliveryInfo.state")
			.isEqualTo("SCHEDULED")
			.jsonPath("$.restaurant.name")
			.isEqualTo("Sushi Sora")
			.jsonPath("$._meta.complete")
			.isEqualTo(true);
	}

	// order history: GET /api/web/orders?state=&page=&size=

	@Test
	void orderHistory_alice_herOrdersActiveOnesWithDeliveryState() {
		get("alice", "/api/web/orders").expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.totalOrders")
			.isEqualTo(13)
			.jsonPath("$.orders[?(@.orderId == 7001)].delivery.state")
			.isEqualTo(List.of("SCHEDULED"))
			.jsonPath("$.orders[?(@.orderId == 7001)].delivery.estimatedDeliveryTime")
			.isNotEmpty()
			.jsonPath("$.orders[?(@.orderId == 7007)].status")
			.isEqualTo(List.of("REJECTED"))
			.jsonPath("$.orders[?(@.orderId == 7007)].delivery")
			.isEmpty()
			.jsonPath("$.orders[?(@.orderId == 7002)]")
			.isEmpty()
			.jsonPath("$._meta.parts.history.status")
			.isEqualTo("fresh");

		assertThat(historyCalls("1001")).isEqualTo(1);
	}

	@Test
	void orderHistory_consumerIdFromTokenNotFromQuery() {
		get("bob", "/api/web/orders").expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.totalOrders")
			.isEqualTo(2)
			.jsonPath("$.orders[*].orderId")
			.isEqualTo(List.of(7011, 7002));
		// A consumerId in the query is not a parameter of the endpoint: refused, nothing
		// called.
		get("bob", "/api/web/orders?consumerId=1001").expectStatus()
			.isBadRequest()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON);

		assertThat(historyCalls("1001")).isZero();
		assertThat(historyCalls("1002")).isEqualTo(1);
	}

	@Test
	void orderHistory_stateFilterAndPaging_pageOfMatchingOrders() {
		get("alice", "/api/web/orders?state=approved&page=1&size=2").expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.page")
			.isEqualTo(1)
			.jsonPath("$.size")
			.isEqualTo(2)
			.jsonPath("$.orders.length()")
			.isEqualTo(2)
			.jsonPath("$.orders[*].status")
			.isEqualTo(List.of("APPROVED", "APPROVED"))
			.jsonPath("$.totalOrders")
			.value((total) -> assertThat(((Number) total).intValue()).isGreaterThan(3));
	}

	@Test
	void orderHistory_deliveriesFetchedOnlyForActiveOrdersOnTheRequestedPage() {
		// Alice's second page of four: 7009 CANCELLED, 7008 CANCEL_PENDING, 7007
		// REJECTED,
		// 7006 APPROVED. Only the two active ones have their delivery fetched.
		get("alice", "/api/web/orders?page=1&size=4").expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.orders[*].orderId")
			.isEqualTo(List.of(7010, 7009, 7008, 7007))
			.jsonPath("$.orders[?(@.orderId == 7010)].delivery.state")
			.isNotEmpty()
			.jsonPath("$.orders[?(@.orderId == 7008)].delivery.state")
			.isNotEmpty()
			.jsonPath("$.orders[?(@.orderId == 7009)].delivery")
			.isEmpty()
			.jsonPath("$.totalOrders")
			.isEqualTo(13);

		assertThat(providers.requestCount(Provider.DELIVERY)).isEqualTo(2);
		assertThat(providers.requestCount(Provider.DELIVERY, "GET", "/deliveries/(7010|7008)")).isEqualTo(2);

		// With a state filter, the page is a page of the matching orders.
		providers.resetRequests();
		get("alice", "/api/web/orders?state=approved&page=2&size=2").expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.orders[*].orderId")
			.isEqualTo(List.of(7006, 7005));
		assertThat(providers.requestCount(Provider.DELIVERY)).isEqualTo(2);
		assertThat(providers.requestCount(Provider.DELIVERY, "GET", "/deliveries/700[56]")).isEqualTo(2);
	}

	@Test
	void orderHistory_sizeTooLarge_400Problem() {
		get("alice", "/api/web/orders?size=1000").expectStatus()
			.isBadRequest()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON);
	}

	@Test
	void orderHistory_deliveryFanOut_atMostFourCallsInFlight() {
		providers.inject(Provider.DELIVERY, ProviderFault.delay(Duration.ofMillis(300)));

		get("alice", "/api/web/orders").expectStatus().isOk();

		// Item calls, i.e. the first call of each delivery: delivery hedges calls slower
		// than its p95 (a hedge repeats an item's call and is bounded by its budget, not
		// by the fan-out's concurrency).
		java.util.Map<String, Long> firstCallOfEachItem = new java.util.HashMap<>();
		providers.requests(Provider.DELIVERY)
			.forEach((request) -> firstCallOfEachItem.merge(request.getUrl(), request.getLoggedDate().getTime(),
					Math::min));
		List<Long> received = firstCallOfEachItem.values().stream().sorted().toList();
		assertThat(received).hasSizeGreaterThan(4);
		for (int i = 0; i + 4 < received.size(); i++) {
			assertThat(received.get(i + 4) - received.get(i)).as("calls %d and %d", i, i + 4)
				.isGreaterThanOrEqualTo(250);
		}
	}

	@Test
	void orderHistory_noToken_401Problem() {
		this.client.get().uri("/api/web/orders").exchange().expectStatus().isUnauthorized();

		assertThat(providers.requestCount(Provider.ORDER)).isZero();
	}

	// cancel: POST /api/web/orders/{orderId}/cancel

	@Test
	void cancel_ownOrder_forwardedOnceAndAnswersCancelPending() {
		post("alice", "/api/web/orders/7003/cancel", "{}").expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.orderId")
			.isEqualTo(7003)
			.jsonPath("$.state")
			.isEqualTo("CANCEL_PENDING");

		assertThat(providers.requestCount(Provider.ORDER, "POST", "/orders/7003/cancel")).isEqualTo(1);
		assertThat(providers.requests(Provider.ORDER)).filteredOn((r) -> r.getMethod().getName().equals("POST"))
			.singleElement()
			.satisfies((r) -> assertThat(r.getHeader("Authorization")).startsWith("Bearer "));
	}

	@Test
	void cancel_anotherConsumersOrder_404AndNothingReachesTheOrderService() {
		post("bob", "/api/web/orders/7001/cancel", "{}").expectStatus()
			.isNotFound()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON);

		assertThat(providers.requestCount(Provider.ORDER, "POST", ".*")).isZero();
	}

	@Test
	void cancel_orderServiceFails_502AndCancelNotRetried() {
		providers.inject(Provider.ORDER, ProviderFault.status(500).onPath("/orders/7004/cancel"));

		post("alice", "/api/web/orders/7004/cancel", "{}").expectStatus()
			.isEqualTo(502)
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON);

		assertThat(providers.requestCount(Provider.ORDER, "POST", "/orders/7004/cancel")).isEqualTo(1);
	}

	@Test
	void cancel_noToken_401AndNothingForwarded() {
		this.client.post().uri("/api/web/orders/7003/cancel").exchange().expectStatus().isUnauthorized();

		assertThat(providers.requestCount(Provider.ORDER)).isZero();
	}

	// restaurants (proxied, cached once for all users)

	@Test
	void restaurants_list_proxied() {
		get("alice", "/api/web/restaurants").expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.restaurants[*].id")
			.value((ids) -> assertThat((List<Object>) ids).contains(501, 502, 503, 504));
	}

	@Test
	void restaurants_one_proxied() {
		get("alice", "/api/web/restaurants/502").expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.name")
			.isEqualTo("Egg Shop")
			.jsonPath("$.menu[0].price")
			.isEqualTo("9.50");
	}

	@Test
	void restaurants_twoUsers_oneProviderCallSharedCache() {
		get("alice", "/api/web/restaurants/504").expectStatus().isOk();
		get("bob", "/api/web/restaurants/504").expectStatus().isOk();
		get("carol", "/api/web/restaurants/504").expectStatus().isOk();

		assertThat(providers.requestCount(Provider.RESTAURANT, "GET", "/restaurants/504")).isLessThanOrEqualTo(1);
	}

	@Test
	void restaurants_noToken_401() {
		this.client.get().uri("/api/web/restaurants").exchange().expectStatus().isUnauthorized();
	}

	// create: POST /api/web/orders

	@Test
	void createOrder_consumerIdInBody_replacedByTheTokens() {
		post("alice", "/api/web/orders",
				"{\"consumerId\":1002,\"restaurantId\":501,\"lineItems\":[{\"menuItemId\":50101,\"quantity\":2}]}")
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.orderId")
			.isEqualTo(7100);

		LoggedRequest received = providers.requests(Provider.ORDER).get(0);
		assertThat(received.getUrl()).isEqualTo("/orders");
		String body = new String(received.getBody(), StandardCharsets.UTF_8);
		assertThat(body).contains("\"consumerId\":1001").doesNotContain("1002").contains("\"restaurantId\":501");
	}

	@Test
	void createOrder_orderServiceFails_502AndNeverRetried() {
		providers.inject(Provider.ORDER, ProviderFault.status(503).onPath("/orders"));

		post("alice", "/api/web/orders", "{\"restaurantId\":501}").expectStatus()
			.isEqualTo(502)
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON);

		assertThat(providers.requestCount(Provider.ORDER, "POST", "/orders")).isEqualTo(1);
	}

	@Test
	void createOrder_bodyNotAJsonObject_400AndNothingForwarded() {
		post("alice", "/api/web/orders", "[1,2]").expectStatus()
			.isBadRequest()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON);

		assertThat(providers.requestCount(Provider.ORDER)).isZero();
	}

	@Test
	void createOrder_partnerToken_403AndNothingForwarded() {
		String partner = identity.clientCredentialsGrant("partner-ajanta", "ajanta-secret");

		this.client.post()
			.uri("/api/web/orders")
			.headers((h) -> h.setBearerAuth(partner))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{}")
			.exchange()
			.expectStatus()
			.isForbidden();

		assertThat(providers.requestCount(Provider.ORDER)).isZero();
	}

	// hedged calls (delivery and kitchen: after p95, floor 100ms)

	@Test
	void orderPage_deliveryAnswerSlowedTo450ms_beatenByItsHedge_hedgedInMetaAndMetrics() {
		// Earn the budget (each call deposits 0.05 tokens, a hedge takes 1) and fill the
		// latency window with ordinary answers, whatever the tests before this one did.
		for (int i = 0; i < 30; i++) {
			get("alice", "/api/web/orders/7001").expectStatus().isOk();
		}
		String seed = org.springframework.web.reactive.function.client.WebClient
			.create(providers.baseUrl(Provider.DELIVERY))
			.get()
			.uri("/deliveries/7001")
			.retrieve()
			.bodyToMono(String.class)
			.block(Duration.ofSeconds(10));
		// The first request is answered after 450 ms, the next identical one at once.
		providers.server(Provider.DELIVERY)
			.stubFor(WireMock.get(urlPathEqualTo("/deliveries/7001"))
				.inScenario("slow-once")
				.whenScenarioStateIs(com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED)
				.willSetStateTo("slow-sent")
				.willReturn(
						aResponse().withHeader("Content-Type", "application/json").withBody(seed).withFixedDelay(450)));
		providers.server(Provider.DELIVERY)
			.stubFor(WireMock.get(urlPathEqualTo("/deliveries/7001"))
				.inScenario("slow-once")
				.whenScenarioStateIs("slow-sent")
				.willSetStateTo(com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED)
				.willReturn(aResponse().withHeader("Content-Type", "application/json").withBody(seed)));
		providers.resetRequests();

		get("alice", "/api/web/orders/7001").expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.delivery.deliveryInfo.state")
			.isEqualTo("SCHEDULED")
			.jsonPath("$._meta.parts.delivery.status")
			.isEqualTo("fresh")
			.jsonPath("$._meta.parts.delivery.hedged")
			.isEqualTo(true)
			.jsonPath("$._meta.parts.ticket.hedged")
			.doesNotExist();

		assertThat(providers.requestCount(Provider.DELIVERY, "GET", "/deliveries/7001")).isEqualTo(2);
		assertThat(providers.requestCount(Provider.KITCHEN, "GET", "/tickets/7001")).isEqualTo(1);
		WebTestClient.bindToServer()
			.baseUrl("http://localhost:" + this.managementPort)
			.responseTimeout(Duration.ofSeconds(10))
			.build()
			.get()
			.uri("/actuator/prometheus")
			.exchange()
			.expectBody(String.class)
			.value((metrics) -> assertThat(metrics)
				.containsPattern("edge_composition_hedges_total\\{[^}]*outcome=\"won\",provider=\"delivery\"\\} [1-9]")
				.containsPattern("edge_composition_hedges_total\\{[^}]*outcome=\"refused\",provider=\"kitchen\"\\}"));
	}

	// actuator

	/**
	 * Each route's edge pipeline on the management port: the order page (a composed
	 * endpoint) carries no response cache, the cached restaurants route does; neither
	 * carries the session endpoints, which only {@code /bff/**} needs.
	 */
	@Test
	void actuator_pipelines_listTheLinksOfTheOrderPageAndOfAProxiedRoute() {
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
			.jsonPath("$['order-page'].kind")
			.isEqualTo("composition")
			.jsonPath("$['order-page'].paths")
			.isEqualTo(List.of("/api/web/orders/{orderId}"))
			.jsonPath("$['order-page'].links[*].name")
			.isEqualTo(List.of("access-log", "request-context", "limits", "reserved-headers", "shedding", "session",
					"auth-failure-limit", "security", "rate-limit", "route"))
			.jsonPath("$['web-restaurants'].kind")
			.isEqualTo("route")
			.jsonPath("$['web-restaurants'].paths")
			.isEqualTo(List.of("/api/web/restaurants", "/api/web/restaurants/{id}"))
			.jsonPath("$['web-restaurants'].links[*].name")
			.isEqualTo(List.of("access-log", "request-context", "limits", "reserved-headers", "shedding", "session",
					"auth-failure-limit", "security", "rate-limit", "response-cache", "route"))
			.jsonPath("$['web-restaurants'].links[?(@.name == 'response-cache')].settings.rules[0].path")
			.isEqualTo(List.of("/api/web/restaurants"))
			.jsonPath("$['web-restaurants'].links[?(@.name == 'security')].settings.rules[0].access")
			.isEqualTo(List.of("scopes [web]"))
			.jsonPath("$['session-endpoints'].links[*].name")
			.value((names) -> assertThat(String.valueOf(names)).contains("session-endpoints")
				.doesNotContain("response-cache"));
		management.get()
			.uri("/actuator/pipelines/order-page")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.links[0].name")
			.isEqualTo("access-log");
		get("alice", "/actuator/pipelines").expectStatus().isNotFound();
	}

	@Test
	void actuator_probesAndPrometheusOnManagementPort_nothingElseOnTheAppPort() {
		WebTestClient management = WebTestClient.bindToServer()
			.baseUrl("http://localhost:" + this.managementPort)
			.responseTimeout(Duration.ofSeconds(10))
			.build();

		management.get().uri("/actuator/health/liveness").exchange().expectStatus().isOk();
		management.get().uri("/actuator/health/readiness").exchange().expectStatus().isOk();
		management.get().uri("/actuator/prometheus").exchange().expectStatus().isOk();
		management.get().uri("/actuator/env").exchange().expectStatus().isNotFound();
		get("alice", "/actuator/health").expectStatus().isNotFound();
	}

}
