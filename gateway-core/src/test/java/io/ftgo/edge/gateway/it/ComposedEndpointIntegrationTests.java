package io.ftgo.edge.gateway.it;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import io.ftgo.edge.gateway.cache.Etags;
import io.ftgo.edge.gateway.pipeline.EdgeChainLink;
import io.ftgo.edge.stubs.FtgoProviders;
import io.ftgo.edge.stubs.Provider;
import io.ftgo.edge.stubs.ProviderFault;
import io.ftgo.edge.stubs.identity.DevIdentityProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.context.ApplicationContext;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.HttpHandler;
import org.springframework.security.web.server.WebFilterChainProxy;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.adapter.HttpWebHandlerAdapter;
import org.springframework.web.server.handler.FilteringWebHandler;
import org.springframework.web.server.handler.WebHandlerDecorator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A composed endpoint declared in YAML, behind the edge chain, against the real FTGO stub
 * providers; provider calls counted per provider and endpoint.
 */
@SpringBootTest(classes = EdgeTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "edge.rate-limit.enabled=false" })
@AutoConfigureWebTestClient(timeout = "20s")
class ComposedEndpointIntegrationTests {

	static final DevIdentityProvider identity = DevIdentityProvider.startOnRandomPort();

	static final FtgoProviders providers = FtgoProviders.startOnRandomPorts();

	static final int managementPort = freePort();

	@Autowired
	WebTestClient client;

	@Autowired
	ApplicationContext context;

	@LocalServerPort
	int port;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		registry.add("management.server.port", () -> managementPort);
		registry.add("edge.security.jwt.issuer-uri", identity::issuer);
		registry.add("edge.security.jwt.audiences[0]", () -> "ftgo-edge");
		registry.add("edge.security.rules[0].path", () -> "/api/web/**");
		registry.add("edge.security.rules[0].scopes[0]", () -> "web");
		registry.add("edge.providers.order.url", () -> providers.baseUrl(Provider.ORDER));
		registry.add("edge.providers.order.timeout", () -> "1s");
		registry.add("edge.providers.kitchen.url", () -> providers.baseUrl(Provider.KITCHEN));
		registry.add("edge.providers.delivery.url", () -> providers.baseUrl(Provider.DELIVERY));
		registry.add("edge.providers.delivery.timeout", () -> "500ms");
		// Bound and shown, never sent: a hedge due after the 500 ms timeout is not sent.
		registry.add("edge.providers.delivery.hedge.after", () -> "2s");
		registry.add("edge.providers.delivery.hedge.max-extra", () -> "2");
		registry.add("edge.providers.restaurant.url", () -> providers.baseUrl(Provider.RESTAURANT));
		registry.add("edge.providers.restaurant.shared", () -> "true");
		String composition = "edge.compositions.order-details.";
		registry.add(composition + "request", () -> "GET /api/web/orders/{orderId}");
		registry.add(composition + "timeout", () -> "2s");
		registry.add(composition + "authorize", () -> "order.consumerId == principal.consumerId");
		registry.add(composition + "parts.order.from", () -> "order");
		registry.add(composition + "parts.order.get", () -> "/orders/{orderId}");
		registry.add(composition + "parts.order.required", () -> "true");
		registry.add(composition + "parts.ticket.from", () -> "kitchen");
		registry.add(composition + "parts.ticket.get", () -> "/tickets/{order.orderId}");
		registry.add(composition + "parts.delivery.from", () -> "delivery");
		registry.add(composition + "parts.delivery.get", () -> "/deliveries/{order.orderId}");
		registry.add(composition + "parts.restaurant.from", () -> "restaurant");
		registry.add(composition + "parts.restaurant.get", () -> "/restaurants/{order.restaurantId}");
		String summary = "edge.compositions.order-summary.";
		registry.add(summary + "request", () -> "GET /api/web/orders/{orderId}/summary");
		registry.add(summary + "authorize", () -> "order.consumerId == principal.consumerId");
		registry.add(summary + "parts.order.from", () -> "order");
		registry.add(summary + "parts.order.get", () -> "/orders/{orderId}");
		registry.add(summary + "parts.order.required", () -> "true");
		registry.add(summary + "parts.ticket.from", () -> "kitchen");
		registry.add(summary + "parts.ticket.get", () -> "/tickets/{order.orderId}");
		registry.add("edge.endpoints.order-summary.metadata", () -> "headers");
	}

	@AfterAll
	static void stop() {
		providers.close();
		identity.close();
	}

	@BeforeEach
	void reset() {
		providers.reset();
	}

	private WebTestClient.ResponseSpec orderPage(String user, long orderId) {
		String token = identity.passwordGrant(user, "password");
		return this.client.get().uri("/api/web/orders/" + orderId).headers((h) -> h.setBearerAuth(token)).exchange();
	}

	@Test
	void orderPage_ownOrder_allPartsFreshWithTimingAndEtag() {
		orderPage("alice", 7001).expectStatus()
			.isOk()
			.expectHeader()
			.value("Server-Timing",
					(timing) -> assertThat(timing).contains("order", "ticket", "delivery", "restaurant"))
			.expectHeader()
			.exists(HttpHeaders.ETAG)
			.expectBody()
			.jsonPath("$.order.orderId")
			.isEqualTo(7001)
			.jsonPath("$.ticket.state")
			.isEqualTo("PICKED_UP")
			.jsonPath("$.delivery.deliveryInfo.state")
			.isEqualTo("SCHEDULED")
			.jsonPath("$.restaurant.name")
			.isEqualTo("Ajanta")
			.jsonPath("$._meta.complete")
			.isEqualTo(true)
			.jsonPath("$._meta.parts.delivery.status")
			.isEqualTo("fresh");

		assertThat(providers.requestCount(Provider.ORDER, "GET", "/orders/7001")).isEqualTo(1);
		assertThat(providers.requestCount(Provider.KITCHEN, "GET", "/tickets/7001")).isEqualTo(1);
	}

	@Test
	void orderPage_providersReceiveCallerTokenAndTraceContext() {
		String token = identity.passwordGrant("alice", "password");

		this.client.get()
			.uri("/api/web/orders/7001")
			.headers((h) -> h.setBearerAuth(token))
			.header("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
			.exchange()
			.expectStatus()
			.isOk();

		assertThat(providers.requests(Provider.KITCHEN)).singleElement().satisfies((request) -> {
			assertThat(request.getHeader("Authorization")).isEqualTo("Bearer " + token);
			assertThat(request.getHeader("traceparent")).startsWith("00-4bf92f3577b34da6a3ce929d0e0e4736-");
		});
	}

	@Test
	void orderPage_ifNoneMatch_304() {
		String etag = orderPage("alice", 7001).returnResult(String.class).getResponseHeaders().getETag();
		String token = identity.passwordGrant("alice", "password");

		this.client.get()
			.uri("/api/web/orders/7001")
			.headers((h) -> h.setBearerAuth(token))
			.header(HttpHeaders.IF_NONE_MATCH, etag)
			.exchange()
			.expectStatus()
			.isNotModified();
	}

	@Test
	void etag_isComputedFromTheBytesSent() {
		String token = identity.passwordGrant("alice", "password");
		EntityExchangeResult<byte[]> summary = this.client.get()
			.uri("/api/web/orders/7001/summary")
			.headers((h) -> h.setBearerAuth(token))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.returnResult();
		// Metadata in headers: the validator is the hash of exactly the body received.
		assertThat(summary.getResponseHeaders().getETag()).isEqualTo(Etags.of(summary.getResponseBody()));

		EntityExchangeResult<byte[]> page = orderPage("alice", 7001).expectStatus().isOk().expectBody().returnResult();
		// Metadata in the body: the content bytes received before the trailing _meta
		// member, and each part's status and reason (never timings).
		String body = new String(page.getResponseBody(), StandardCharsets.UTF_8);
		String content = body.substring(0, body.lastIndexOf(",\"_meta\":")) + "}";
		String statuses = "order=fresh,;ticket=fresh,;delivery=fresh,;restaurant=fresh,;";
		assertThat(page.getResponseHeaders().getETag())
			.isEqualTo(Etags.of((content + statuses).getBytes(StandardCharsets.UTF_8)));

		this.client.get()
			.uri("/api/web/orders/7001/summary")
			.headers((h) -> h.setBearerAuth(token))
			.header(HttpHeaders.IF_NONE_MATCH, summary.getResponseHeaders().getETag())
			.exchange()
			.expectStatus()
			.isNotModified()
			.expectBody()
			.isEmpty();
	}

	@Test
	void orderPage_anotherConsumersOrder_404AndNoDependentCalls() {
		orderPage("bob", 7001).expectStatus()
			.isNotFound()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody(String.class)
			.value((body) -> assertThat(body).doesNotContain("1001", "Ajanta", "consumerId"));

		assertThat(providers.requestCount(Provider.KITCHEN)).isZero();
		assertThat(providers.requestCount(Provider.DELIVERY)).isZero();
		assertThat(providers.requestCount(Provider.RESTAURANT)).isZero();
	}

	@Test
	void orderPage_kitchenAnswers500_200WithTicketDegraded() {
		orderPage("alice", 7902).expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$._meta.complete")
			.isEqualTo(false)
			.jsonPath("$._meta.parts.ticket.status")
			.value((status) -> assertThat(status).isIn("omitted", "default", "stale"))
			.jsonPath("$._meta.parts.ticket.reason")
			.isEqualTo("http-status")
			.jsonPath("$._meta.parts.order.status")
			.isEqualTo("fresh");
	}

	@Test
	void orderPage_deliverySlowerThanItsTimeout_200WithDeliveryDegradedByTimeout() {
		orderPage("alice", 7901).expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$._meta.parts.delivery.reason")
			.isEqualTo("timeout");
	}

	@Test
	void orderPage_orderProviderStopped_502Problem() {
		providers.stop(Provider.ORDER);

		orderPage("alice", 7001).expectStatus()
			.isEqualTo(502)
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody(String.class)
			.value((body) -> assertThat(body).doesNotContain("127.0.0.1", "localhost", "Exception"));
	}

	@Test
	void orderPage_orderProviderTooSlow_504Problem() {
		providers.inject(Provider.ORDER, ProviderFault.delay(Duration.ofSeconds(3)));

		orderPage("alice", 7001).expectStatus().isEqualTo(504);
	}

	@Test
	void orderPage_unknownOrder_404Problem() {
		orderPage("alice", 9999).expectStatus().isNotFound();
	}

	@Test
	void orderPage_noToken_401AndNoProviderCall() {
		this.client.get().uri("/api/web/orders/7001").exchange().expectStatus().isUnauthorized();

		assertThat(providers.requestCount(Provider.ORDER)).isZero();
	}

	@Test
	void explain_onManagementPortOnly() {
		WebTestClient management = WebTestClient.bindToServer()
			.baseUrl("http://localhost:" + managementPort)
			.responseTimeout(Duration.ofSeconds(10))
			.build();

		management.get()
			.uri("/actuator/compositions/order-details")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.stages[0].parts[0].name")
			.isEqualTo("order")
			.jsonPath("$.stages[1].parts.length()")
			.isEqualTo(3)
			.jsonPath("$.stages[1].parts[?(@.name == 'delivery')].hedge")
			.isEqualTo(java.util.List.of("after PT2S, max-extra 2, budget 0.05"))
			.jsonPath("$.stages[1].parts[?(@.name == 'ticket')].hedge")
			.isEmpty();
		management.get().uri("/actuator/health/readiness").exchange().expectStatus().isOk();
		orderPage("alice", 7001).expectStatus().isOk();
		management.get()
			.uri("/actuator/prometheus")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.value((metrics) -> assertThat(metrics).contains(
					"edge_composition_part_seconds_count{application=\"edge\",composition=\"order-details\",part=\"ticket\",provider=\"kitchen\",reason=\"none\",status=\"fresh\"}",
					"edge_composition_requests_total{application=\"edge\",composition=\"order-details\",outcome=\"complete\"}",
					"edge_composition_hedges_total{application=\"edge\",outcome=\"sent\",provider=\"delivery\"} 0.0"));

		this.client.get()
			.uri("/actuator/compositions")
			.headers((h) -> h.setBearerAuth(identity.passwordGrant("alice", "password")))
			.exchange()
			.expectStatus()
			.isNotFound();
	}

	/**
	 * The application port's web handler runs one edge pipeline in place of the link
	 * beans and Spring Security's filter chain proxy; the management port shows each
	 * route's links in order.
	 */
	@Test
	void pipelines_replaceTheLinkFilters_andAreShownOnTheManagementPort() {
		HttpWebHandlerAdapter adapter = (HttpWebHandlerAdapter) this.context.getBean(HttpHandler.class);
		FilteringWebHandler filtering = (FilteringWebHandler) ((WebHandlerDecorator) adapter.getDelegate())
			.getDelegate();
		List<WebFilter> filters = filtering.getFilters();
		assertThat(filters).noneMatch(EdgeChainLink.class::isInstance).noneMatch(WebFilterChainProxy.class::isInstance);
		assertThat(filters).hasSizeLessThan(this.context.getBeansOfType(WebFilter.class).size());

		WebTestClient management = WebTestClient.bindToServer()
			.baseUrl("http://localhost:" + managementPort)
			.responseTimeout(Duration.ofSeconds(10))
			.build();
		management.get()
			.uri("/actuator/pipelines")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$['order-details'].kind")
			.isEqualTo("composition")
			.jsonPath("$['order-details'].links[*].name")
			.isEqualTo(java.util.List.of("access-log", "request-context", "limits", "reserved-headers", "security",
					"route"))
			.jsonPath("$['order-details'].links[?(@.name == 'security')].settings.rules[0].access")
			.isEqualTo(java.util.List.of("scopes [web]"))
			.jsonPath("$['order-details'].links[0].order")
			.isEqualTo(-600)
			.jsonPath("$['order-details'].links[5].name")
			.isEqualTo("route")
			.jsonPath("$['order-details'].links[5].order")
			.doesNotExist()
			.jsonPath("$.default.links[*].name")
			.isEqualTo(java.util.List.of("access-log", "request-context", "limits", "reserved-headers", "security",
					"response-cache", "route"));
		orderPage("alice", 7001).expectStatus().isOk();
	}

	/**
	 * Reactor Netty stalls a keep-alive connection when a queued request completes
	 * synchronously (see KeepAliveReadResume): a request that completes off the event
	 * loop (health, a composition) with quick ones pipelined behind it, then one more
	 * request on the same connection, which must still be read. Both ports.
	 */
	@Test
	void keepAlive_asyncAnswerWithQuickOnesQueuedBehind_connectionKeepsReading() throws IOException {
		String token = identity.passwordGrant("alice", "password");
		String liveness = get("/actuator/health/liveness", null);
		String readiness = get("/actuator/health/readiness", null);
		String composed = get("/api/web/orders/7001", token);
		String anonymous = get("/api/web/orders/7001", null);
		for (int round = 0; round < 5; round++) {
			assertThat(exchange(this.port, composed + anonymous + anonymous, anonymous)).isEqualTo(4);
			assertThat(exchange(managementPort, liveness + readiness + readiness, readiness)).isEqualTo(4);
		}
	}

	private static String get(String path, String token) {
		return "GET " + path + " HTTP/1.1\r\nHost: localhost\r\n"
				+ ((token != null) ? "Authorization: Bearer " + token + "\r\n" : "") + "\r\n";
	}

	/**
	 * Sends the pipelined requests, waits for their three answers, then sends one more
	 * request on the same connection; answers the number of answers that started.
	 */
	private static int exchange(int port, String pipelined, String then) throws IOException {
		try (Socket socket = new Socket("127.0.0.1", port)) {
			socket.setSoTimeout(5000);
			socket.getOutputStream().write(pipelined.getBytes(StandardCharsets.US_ASCII));
			StringBuilder received = new StringBuilder();
			awaitAnswers(socket, received, 3);
			socket.getOutputStream().write(then.getBytes(StandardCharsets.US_ASCII));
			return awaitAnswers(socket, received, 4);
		}
	}

	private static int awaitAnswers(Socket socket, StringBuilder received, int expected) throws IOException {
		byte[] buffer = new byte[8192];
		int answers = 0;
		while ((answers = received.toString().split("HTTP/1.1 ", -1).length - 1) < expected) {
			int n;
			try {
				n = socket.getInputStream().read(buffer);
			}
			catch (SocketTimeoutException ex) {
				throw new AssertionError("connection stalled after " + answers + " answers", ex);
			}
			if (n < 0) {
				throw new AssertionError("connection closed after " + answers + " answers");
			}
			received.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
		}
		return answers;
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
