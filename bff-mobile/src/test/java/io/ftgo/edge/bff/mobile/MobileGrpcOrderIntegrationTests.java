package io.ftgo.edge.bff.mobile;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import io.ftgo.edge.composition.CompositionEngine;
import io.ftgo.edge.composition.CompositionRequest;
import io.ftgo.edge.stubs.EdgeTestEnvironment;
import io.ftgo.edge.stubs.FtgoProviders;
import io.ftgo.edge.stubs.Provider;
import io.ftgo.edge.stubs.grpc.GrpcCall;
import io.ftgo.edge.stubs.grpc.GrpcFault;
import io.ftgo.edge.stubs.grpc.GrpcOrderProvider;
import io.ftgo.edge.stubs.identity.DevIdentityProvider;
import io.ftgo.edge.stubs.junit.EdgeTest;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.grpc.Status;
import io.micrometer.core.instrument.MeterRegistry;
import net.chrisrichardson.ftgo.orderservice.grpc.CreateOrderRequest;
import net.chrisrichardson.ftgo.orderservice.grpc.GetOrderRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * bff-mobile talks to the order service over gRPC only: create order (a transcoded
 * route), the status card's order part, the home screen's and GraphQL's order lists,
 * against the gRPC order stub, whose journal counts the calls and records the metadata
 * and the deadline each received. Then every injected fault on the transcoded route, a
 * required part and an optional part; the breaker; channel reuse.
 */
@EdgeTest
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "edge.providers.order.timeout=" + MobileGrpcOrderIntegrationTests.ORDER_TIMEOUT,
				"edge.rate-limit.tiers.default.limit=1000000" })
@AutoConfigureWebTestClient(timeout = "20s")
class MobileGrpcOrderIntegrationTests {

	/**
	 * The order provider's timeout here: generous, as the first calls of a cold JVM on a
	 * shared machine are slow. The create-order route's deadline.
	 */
	static final String ORDER_TIMEOUT = "3s";

	static final EdgeTestEnvironment env = EdgeTestEnvironment.shared();

	static final DevIdentityProvider identity = env.identity();

	static final FtgoProviders providers = env.providers();

	static final GrpcOrderProvider orders = env.grpcOrders();

	static final JsonMapper JSON = JsonMapper.builder().build();

	/** What a client may never see: gRPC's or Java's names. */
	static final List<String> LEAKS = List.of("io.grpc", "grpc-", "Exception", "StatusRuntime", "net.chrisrichardson",
			"java.", "OrderService", "RST_STREAM", "injected fault");

	@Autowired
	WebTestClient client;

	@Autowired
	CompositionEngine engine;

	@Autowired
	MeterRegistry meters;

	@BeforeEach
	void reset() {
		this.engine.circuitBreakerRegistry().getAllCircuitBreakers().forEach(CircuitBreaker::reset);
	}

	@AfterEach
	void cleanUp() {
		orders.reset();
	}

	static String token(String user) {
		return identity.passwordGrant(user, "password");
	}

	WebTestClient.ResponseSpec get(String token, String uri) {
		return this.client.get().uri(uri).headers((h) -> h.setBearerAuth(token)).exchange();
	}

	WebTestClient.ResponseSpec create(String token, String body) {
		return this.client.post().uri("/api/mobile/orders").headers((h) -> {
			h.setBearerAuth(token);
			// A client-sent identity header: never forwarded.
			h.set("X-Consumer-Id", "1001");
		}).contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
	}

	/** Identity from the token, never the client's; a deadline within the request's. */
	static void fromTheEdge(GrpcCall call, String consumerId, String token, Duration within) {
		assertThat(call.header("x-consumer-id")).contains(consumerId);
		assertThat(call.metadata().get("x-consumer-id")).containsExactly(consumerId);
		assertThat(call.header("authorization")).contains("Bearer " + token);
		assertThat(call.deadline()).isPresent();
		assertThat(call.deadline().get()).isPositive().isLessThanOrEqualTo(within);
	}

	// the four screens, over gRPC

	@Test
	void createOrder_overGrpc_oneCall_consumerFromTheToken_clientHeaderNeverForwarded() {
		String bob = token("bob");

		create(bob, "{\"consumerId\":1001,\"restaurantId\":502,\"lineItems\":[{\"menuItemId\":\"1\",\"quantity\":2}]}")
			.expectStatus()
			.isOk()
			.expectHeader()
			.contentType(MediaType.APPLICATION_JSON)
			.expectBody()
			.json("{\"orderId\":7100}", true);

		assertThat(orders.callCount()).isEqualTo(1);
		GrpcCall call = orders.calls("createOrder").get(0);
		CreateOrderRequest received = (CreateOrderRequest) call.request().orElseThrow();
		assertThat(received.getConsumerId()).isEqualTo(1002);
		assertThat(received.getRestaurantId()).isEqualTo(502);
		assertThat(received.getLineItems(0).getQuantity()).isEqualTo(2);
		// The route's deadline is the order provider's timeout.
		fromTheEdge(call, "1002", bob, Duration.ofSeconds(3));
		assertThat(providers.requestCount(Provider.ORDER)).isZero();
	}

	@Test
	void statusCard_orderPartOverGrpc_oneCall() {
		String alice = token("alice");

		get(alice, "/api/mobile/orders/7001/status").expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.orderId")
			.isEqualTo(7001)
			.jsonPath("$.state")
			.isEqualTo("APPROVED")
			.jsonPath("$.total")
			.isEqualTo("61.70");

		assertThat(orders.callCounts()).isEqualTo(Map.of("GetOrder", 1));
		GrpcCall call = orders.calls("GetOrder").get(0);
		assertThat(((GetOrderRequest) call.request().orElseThrow()).getOrderId()).isEqualTo(7001);
		fromTheEdge(call, "1001", alice, Duration.ofMillis(1500));
		assertThat(providers.requestCount(Provider.ORDER)).isZero();
	}

	@Test
	void home_historyAndActiveOrdersOverGrpc_oneCallEach() {
		String alice = token("alice");

		get(alice, "/api/mobile/home").expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.activeOrders[?(@.orderId == 7001)].restaurant")
			.isEqualTo(List.of("Ajanta"));

		assertThat(orders.callCount("GetOrdersForConsumer")).isEqualTo(1);
		fromTheEdge(orders.calls("GetOrdersForConsumer").get(0), "1001", alice, Duration.ofSeconds(2));
		// One GetOrder per active order (never 7007, REJECTED, or 7009, CANCELLED).
		List<Long> fetched = orders.calls("GetOrder")
			.stream()
			.map((call) -> ((GetOrderRequest) call.request().orElseThrow()).getOrderId())
			.toList();
		assertThat(fetched).containsExactlyInAnyOrder(7904L, 7903L, 7902L, 7901L, 7010L, 7008L, 7006L, 7005L, 7004L,
				7003L, 7001L);
		assertThat(providers.requestCount(Provider.ORDER)).isZero();
	}

	@Test
	void graphQl_ordersOverGrpc_oneCall() {
		String alice = token("alice");

		this.client.post().uri("/graphql").headers((h) -> {
			h.setBearerAuth(alice);
			h.set("X-Consumer-Id", "1002");
		})
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("query", "{ orders(consumerId: 1001) { orderId } }"))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.data.orders[0].orderId")
			.isNumber();

		assertThat(orders.callCounts()).isEqualTo(Map.of("GetOrdersForConsumer", 1));
		fromTheEdge(orders.calls("GetOrdersForConsumer").get(0), "1001", alice, Duration.ofMillis(1500));
	}

	@Test
	void graphQl_createOrderMutationOverGrpc_oneCall_consumerFromTheToken() {
		String bob = token("bob");

		this.client.post()
			.uri("/graphql")
			.headers((h) -> h.setBearerAuth(bob))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("query",
					"mutation { createOrder(order: { restaurantId: 502, lineItems: [{ menuItemId: 50201, quantity: 2 }] })"
							+ " { orderId } }"))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.data.createOrder.orderId")
			.isEqualTo(7100);

		assertThat(orders.callCounts()).isEqualTo(Map.of("createOrder", 1));
		GrpcCall call = orders.calls("createOrder").get(0);
		CreateOrderRequest received = (CreateOrderRequest) call.request().orElseThrow();
		assertThat(received.getConsumerId()).isEqualTo(1002);
		assertThat(received.getLineItems(0).getMenuItemId()).isEqualTo("50201");
		fromTheEdge(call, "1002", bob, Duration.ofMillis(1500));
	}

	/**
	 * The gRPC answers are the REST answers, ids as JSON numbers: clients cannot tell the
	 * transports apart (bff-web reads the same orders over HTTP).
	 */
	@Test
	void sameData_asTheRestOrderService() {
		WebClient rest = WebClient.create(providers.baseUrl(Provider.ORDER));
		List<String> ids = List.of("7001", "7002", "7005", "7010", "7013", "7901");
		for (String id : ids) {
			JsonNode overHttp = JSON
				.readTree(rest.get().uri("/orders/" + id).retrieve().bodyToMono(String.class).block());
			JsonNode overGrpc = grpcGet("/OrderService/GetOrder?orderId=" + id);
			assertThat(overGrpc).as("order " + id).isEqualTo(overHttp);
		}
		for (String consumer : List.of("1001", "1002", "1003", "4242")) {
			JsonNode overHttp = JSON
				.readTree(rest.get().uri("/orders?consumerId=" + consumer).retrieve().bodyToMono(String.class).block());
			JsonNode overGrpc = grpcGet("/OrderService/GetOrdersForConsumer?consumerId=" + consumer);
			assertThat(overGrpc).as("orders of " + consumer).isEqualTo(overHttp);
		}
	}

	private JsonNode grpcGet(String path) {
		return this.engine.calls(CompositionRequest.of(Map.of()), Duration.ofSeconds(5), 0)
			.get("order", path, true, null)
			.block()
			.value();
	}

	// the fault matrix

	/** Every fault, and what the route, a required part and an optional one answer. */
	static Stream<Arguments> faults() {
		List<Arguments> faults = new ArrayList<>();
		for (Status.Code code : Status.Code.values()) {
			if (code == Status.Code.OK) {
				continue;
			}
			int mapped = switch (code) {
				case INVALID_ARGUMENT -> 400;
				case UNAUTHENTICATED -> 401;
				case PERMISSION_DENIED -> 403;
				case NOT_FOUND -> 404;
				case ALREADY_EXISTS, FAILED_PRECONDITION, ABORTED -> 409;
				case RESOURCE_EXHAUSTED -> 429;
				case UNAVAILABLE -> 503;
				case DEADLINE_EXCEEDED -> 504;
				default -> 500;
			};
			// A proxied route's upstream 5xx is 502; a required part's failure is 502,
			// 404
			// stays 404.
			faults.add(Arguments.of(code.name(), GrpcFault.status(code), (mapped >= 500) ? 502 : mapped,
					(mapped == 404) ? 404 : 502));
		}
		faults.add(Arguments.of("slow answer", GrpcFault.delay(Duration.ofSeconds(5)), 504, 504));
		faults.add(Arguments.of("hung call", GrpcFault.hang(), 504, 504));
		faults.add(Arguments.of("stream reset", GrpcFault.reset(), 502, 502));
		faults.add(Arguments.of("connection dropped", GrpcFault.dropConnection(), 502, 502));
		return faults.stream();
	}

	@ParameterizedTest(name = "{0}: route {2}, required part {3}, optional part degraded")
	@MethodSource("faults")
	void faultMatrix(String name, GrpcFault fault, int routeStatus, int requiredStatus) {
		String alice = token("alice");
		// Warm the last good values of the optional part (home's active orders).
		get(alice, "/api/mobile/home").expectStatus().isOk();
		orders.inject(fault.forMethod("createOrder"));
		orders.inject(fault.forMethod("GetOrder"));

		// Transcoded route (never retried: one call).
		orders.resetCalls();
		noLeak(create(alice, "{\"restaurantId\":501}").expectStatus()
			.isEqualTo(routeStatus)
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.returnResult());
		assertThat(orders.callCount("createOrder")).isEqualTo(1);

		// Required part.
		this.engine.circuitBreakerRegistry().getAllCircuitBreakers().forEach(CircuitBreaker::reset);
		orders.resetCalls();
		noLeak(get(alice, "/api/mobile/orders/7001/status").expectStatus()
			.isEqualTo(requiredStatus)
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.returnResult());
		// Retried only on UNAVAILABLE (the default max-attempts is 2).
		// (A dropped connection is UNAVAILABLE too.)
		boolean unavailable = name.equals("UNAVAILABLE") || name.equals("connection dropped");
		assertThat(orders.callCount("GetOrder")).isEqualTo(unavailable ? 2 : 1);

		// Optional part: the active orders of home degrade (stale), the screen answers.
		this.engine.circuitBreakerRegistry().getAllCircuitBreakers().forEach(CircuitBreaker::reset);
		EntityExchangeResult<byte[]> home = get(alice, "/api/mobile/home").expectStatus()
			.isOk()
			.expectHeader()
			.valueEquals("X-Composition-Complete", "false")
			.expectBody()
			.returnResult();
		noLeak(home);
		assertThat(home.getResponseHeaders().getFirst("X-Degraded-Parts")).contains("orders;status=stale");
	}

	private static void noLeak(EntityExchangeResult<byte[]> result) {
		String body = (result.getResponseBody() != null) ? new String(result.getResponseBody(), StandardCharsets.UTF_8)
				: "";
		String headers = result.getResponseHeaders().toString();
		for (String leak : LEAKS) {
			assertThat(body).as("body").doesNotContain(leak);
			assertThat(headers).as("headers").doesNotContain(leak);
		}
	}

	// the breaker

	@Test
	void breaker_orderProviderFailing_opens_thenRouteAndPartGet503WithoutACall() {
		String alice = token("alice");
		orders.inject(GrpcFault.status(Status.Code.INTERNAL));
		CircuitBreaker breaker = this.engine.circuitBreaker("order");
		for (int i = 0; i < 40 && breaker.getState() != CircuitBreaker.State.OPEN; i++) {
			get(alice, "/api/mobile/orders/7001/status").expectStatus().isEqualTo(502);
		}
		assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.OPEN);
		orders.resetCalls();

		create(alice, "{\"restaurantId\":501}").expectStatus()
			.isEqualTo(503)
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON);
		get(alice, "/api/mobile/orders/7001/status").expectStatus()
			.isEqualTo(503)
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON);

		assertThat(orders.callCount()).isZero();
	}

	// channel reuse

	@Test
	void thousandRequests_oneChannelPerProvider() {
		String alice = token("alice");
		int openedBefore = this.engine.grpc().channelsOpened();

		for (int i = 0; i < 1000; i++) {
			get(alice, "/api/mobile/orders/" + ((i % 2 == 0) ? "7001" : "7003") + "/status").expectStatus().isOk();
		}

		assertThat(orders.callCount("GetOrder")).isEqualTo(1000);
		assertThat(this.engine.grpc().providers()).containsExactly("order");
		assertThat(this.engine.grpc().channelsOpened()).isEqualTo(openedBefore).isEqualTo(1);
		assertThat(this.meters.get("edge.grpc.channels").gauge().value()).isEqualTo(1.0);
		assertThat(this.meters.get("edge.grpc.channels.opened").functionCounter().count()).isEqualTo(1.0);
	}

}
