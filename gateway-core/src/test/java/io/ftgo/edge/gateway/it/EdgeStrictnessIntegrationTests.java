package io.ftgo.edge.gateway.it;

import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.stream.Stream;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.HttpHeader;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.ftgo.edge.stubs.identity.DevIdentityProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import io.ftgo.edge.gateway.support.ReservedHeaders;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The edge trusts neither its clients nor its providers more than it must, over real HTTP
 * against a WireMock provider: the reserved identity namespace never reaches it, typed
 * route parameters are checked before it is called, its error answers and identifying
 * headers never reach the client, and slow clients are cut off below Spring.
 */
@SpringBootTest(classes = EdgeTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "edge.rate-limit.enabled=false" })
@AutoConfigureWebTestClient(timeout = "20s")
class EdgeStrictnessIntegrationTests {

	static final DevIdentityProvider identity = DevIdentityProvider.startOnRandomPort();

	static final WireMockServer provider = new WireMockServer(
			options().dynamicPort().bindAddress("127.0.0.1").asynchronousResponseEnabled(true).containerThreads(30));

	static {
		provider.start();
	}

	/** One concrete name per entry of the default namespace, plus the configured one. */
	static final List<String> RESERVED = List.of("X-Consumer-Id", "X-User-Id", "X-Partner-Id", "X-Client-Id",
			"X-Authenticated-User", "X-Auth-Request-Email", "X-Real-IP", "X-Forwarded-For", "X-Forwarded-Host",
			"Forwarded", "X-Original-URL", "X-Envoy-Original-Path", "X-Tenant-Id");

	@Autowired
	WebTestClient client;

	@LocalServerPort
	int port;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		String orders = "spring.cloud.gateway.server.webflux.routes[0].";
		registry.add(orders + "id", () -> "orders");
		registry.add(orders + "uri", provider::baseUrl);
		registry.add(orders + "predicates[0]", () -> "Path=/api/web/orders/{orderId}");
		registry.add(orders + "filters[0]", () -> "SetPath=/orders/{orderId}");
		registry.add(orders + "metadata.parameters.orderId", () -> "id");
		String problems = "spring.cloud.gateway.server.webflux.routes[1].";
		registry.add(problems + "id", () -> "problems");
		registry.add(problems + "uri", provider::baseUrl);
		registry.add(problems + "predicates[0]", () -> "Path=/public/problems/{id}");
		registry.add(problems + "filters[0]", () -> "SetPath=/problems/{id}");
		registry.add(problems + "metadata.parameters.id", () -> "id");
		registry.add(problems + "metadata.parameters.lang", () -> "enum(en|de)");
		registry.add(problems + "metadata.forward-problem-details", () -> "true");
		String menus = "spring.cloud.gateway.server.webflux.routes[2].";
		registry.add(menus + "id", () -> "menus");
		registry.add(menus + "uri", provider::baseUrl);
		registry.add(menus + "predicates[0]", () -> "Path=/public/menus/{id}");
		registry.add(menus + "filters[0]", () -> "SetPath=/restaurants/{id}/menu");
		String uploads = "spring.cloud.gateway.server.webflux.routes[3].";
		registry.add(uploads + "id", () -> "uploads");
		registry.add(uploads + "uri", provider::baseUrl);
		registry.add(uploads + "predicates[0]", () -> "Path=/public/uploads");
		registry.add(uploads + "filters[0]", () -> "SetPath=/uploads");
		registry.add("edge.security.jwt.issuer-uri", identity::issuer);
		registry.add("edge.security.jwt.audiences[0]", () -> "ftgo-edge");
		registry.add("edge.security.rules[0].path", () -> "/api/web/**");
		registry.add("edge.security.rules[0].scopes[0]", () -> "web");
		registry.add("edge.security.rules[1].path", () -> "/public/**");
		registry.add("edge.security.rules[1].permit-all", () -> "true");
		registry.add("edge.security.propagation.headers.X-Consumer-Id", () -> "consumerId");
		registry.add("edge.reserved-headers.additional[0]", () -> "X-Tenant-*");
		registry.add("edge.server.header-timeout", () -> "1s");
		registry.add("edge.server.body-timeout", () -> "1s");
	}

	@AfterAll
	static void stop() {
		provider.stop();
		identity.close();
	}

	@BeforeEach
	void reset() {
		provider.resetAll();
		provider.stubFor(get(urlPathEqualTo("/orders/7001"))
			.willReturn(aResponse().withHeader("Content-Type", "application/json")
				.withHeader("Server", "Jetty(12.0.1)")
				.withHeader("X-Powered-By", "Express")
				.withHeader("X-Envoy-Upstream-Service-Time", "3")
				.withBody("{\"orderId\":7001,\"state\":\"APPROVED\"}")));
		provider.stubFor(get(urlPathEqualTo("/restaurants/501/menu"))
			.willReturn(aResponse().withHeader("Content-Type", "application/json").withBody("{\"items\":[]}")));
		provider.stubFor(any(urlPathEqualTo("/uploads")).willReturn(aResponse().withStatus(201)));
	}

	static String aliceToken() {
		return identity.passwordGrant("alice", "password");
	}

	// the reserved identity namespace

	static Stream<Arguments> variants() {
		Function<String, String> upper = (name) -> name.toUpperCase(Locale.ROOT);
		Function<String, String> lower = (name) -> name.toLowerCase(Locale.ROOT);
		Function<String, String> mixed = EdgeStrictnessIntegrationTests::mixedCase;
		return Stream.of(Arguments.of("as listed", Function.identity(), List.of("1002")),
				Arguments.of("upper case", upper, List.of("1002")), Arguments.of("lower case", lower, List.of("1002")),
				Arguments.of("mixed case", mixed, List.of("1002")),
				Arguments.of("repeated", Function.identity(), List.of("1002", "spoof-2")),
				Arguments.of("empty", Function.identity(), List.of("")),
				Arguments.of("comma-joined", Function.identity(), List.of("1002, spoof-2,1.2.3.4")));
	}

	static String mixedCase(String name) {
		StringBuilder mixed = new StringBuilder();
		for (int i = 0; i < name.length(); i++) {
			char c = name.charAt(i);
			mixed.append((i % 2 == 0) ? Character.toLowerCase(c) : Character.toUpperCase(c));
		}
		return mixed.toString();
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("variants")
	void reservedHeaders_everyVariant_noClientValueReachesTheProvider(String variant, Function<String, String> name,
			List<String> values) {
		this.client.get().uri("/api/web/orders/7001").headers((h) -> {
			h.setBearerAuth(aliceToken());
			RESERVED.forEach((header) -> values.forEach((value) -> h.add(name.apply(header), value)));
		}).exchange().expectStatus().isOk();

		List<LoggedRequest> received = provider.findAll(anyRequestedFor(anyUrl()));
		assertThat(received).hasSize(1);
		assertNoClientIdentity(received.get(0));
		assertThat(received.get(0).getHeaders().getHeader("X-Consumer-Id").values()).containsExactly("1001");
	}

	/** Every header of the namespace that reached the provider is one the edge set. */
	static void assertNoClientIdentity(LoggedRequest request) {
		ReservedHeaders namespace = ReservedHeaders.of(List.of("X-Tenant-*"), List.of());
		for (HttpHeader header : request.getHeaders().all()) {
			if (namespace.matches(header.key())) {
				assertThat(header.key()).as("reserved header reached the provider")
					.isEqualToIgnoringCase("X-Consumer-Id");
				assertThat(header.values()).containsExactly("1001");
			}
			assertThat(header.values()).allSatisfy((value) -> assertThat(value).doesNotContain("1002", "spoof"));
		}
	}

	// typed route parameters

	@ParameterizedTest
	@ValueSource(strings = { "-1", "+1", "1e3", "0x1B59", "7001,7002", "7001.json", "%207001", "%2F7001", "%7B%7D",
			"@127.0.0.1:9085", "'%20OR%20'1'='1", "99999999999999999999", "7001%00" })
	void typedPathVariable_malformed_400NamingItAndZeroProviderCalls(String orderId) {
		String body = this.client.get()
			.uri(java.net.URI.create("http://localhost:" + this.port + "/api/web/orders/" + orderId))
			.headers((h) -> h.setBearerAuth(aliceToken()))
			.exchange()
			.expectStatus()
			.isBadRequest()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();

		// Encoded separators and NUL are refused earlier, by the security firewall.
		assertThat(body).satisfiesAnyOf(
				(b) -> assertThat(b).contains("\"code\":\"invalid_parameter\"",
						"\"detail\":\"Parameter 'orderId' must be a positive integer id"),
				(b) -> assertThat(b).contains("\"code\":\"bad_request\""));
		assertThat(provider.findAll(anyRequestedFor(anyUrl()))).isEmpty();
	}

	@ParameterizedTest
	@ValueSource(strings = { "?debug=true", "?lang=fr", "?lang=en&lang=de", "?id=1" })
	void routeQuery_undeclaredRepeatedOrMistyped_400AndZeroProviderCalls(String query) {
		this.client.get()
			.uri("/public/problems/1" + query)
			.exchange()
			.expectStatus()
			.isBadRequest()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON);

		assertThat(provider.findAll(anyRequestedFor(anyUrl()))).isEmpty();
	}

	@Test
	void undeclaredPathVariable_isAToken() {
		this.client.get().uri("/public/menus/501").exchange().expectStatus().isOk();
		this.client.get().uri("/public/menus/501.json").exchange().expectStatus().isBadRequest();

		assertThat(provider.findAll(anyRequestedFor(anyUrl()))).hasSize(1);
	}

	// one error format

	@ParameterizedTest
	@ValueSource(ints = { 404, 409, 422, 400, 401, 403 })
	void providerClientError_becomesTheEdgesProblemWithTheSameStatus_nothingLeaks(int status) {
		provider.stubFor(get(urlPathEqualTo("/orders/7002")).withName("order-7002-stub")
			.willReturn(aResponse().withStatus(status)
				.withHeader("Content-Type", "text/html")
				.withHeader("Server", "Jetty(12.0.1)")
				.withHeader("X-Powered-By", "Express")
				.withHeader("X-Envoy-Upstream-Service-Time", "3")
				.withHeader("X-Backend-Host", "order-7.internal:9081")
				.withBody(
						"<h1>Error</h1> at com.acme.order.OrderController.get(OrderController.java:42) order-7.internal")));

		WebTestClient.ResponseSpec answer = this.client.get()
			.uri("/api/web/orders/7002")
			.headers((h) -> h.setBearerAuth(aliceToken()))
			.exchange();

		answer.expectStatus()
			.isEqualTo(status)
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectHeader()
			.doesNotExist("Server")
			.expectHeader()
			.doesNotExist("X-Powered-By")
			.expectHeader()
			.doesNotExist("X-Envoy-Upstream-Service-Time")
			.expectHeader()
			.doesNotExist("X-Backend-Host")
			.expectHeader()
			.doesNotExist("Matched-Stub-Id")
			.expectHeader()
			.doesNotExist("Matched-Stub-Name")
			.expectBody(String.class)
			.value((body) -> assertThat(body).contains("\"status\":" + status)
				.doesNotContain("com.acme", "order-7.internal", "<h1>", "Error</h1>"));
	}

	@Test
	void providerEmpty404_becomesA404Problem() {
		this.client.get()
			.uri("/api/web/orders/7404")
			.headers((h) -> h.setBearerAuth(aliceToken()))
			.exchange()
			.expectStatus()
			.isNotFound()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectHeader()
			.doesNotExist("Matched-Stub-Id")
			.expectBody()
			.jsonPath("$.detail")
			.isEqualTo("No such resource")
			.jsonPath("$.code")
			.isEqualTo("not_found");
	}

	@Test
	void routeOptedIn_providerProblemBodyForwarded_otherBodiesStillReplaced() {
		String problem = "{\"type\":\"https://ftgo.example/problems/quantity\",\"title\":\"Bad quantity\",\"status\":422,\"detail\":\"quantity must be positive\"}";
		provider.stubFor(get(urlPathEqualTo("/problems/1")).willReturn(aResponse().withStatus(422)
			.withHeader("Content-Type", "application/problem+json")
			.withHeader("X-Powered-By", "Express")
			.withBody(problem)));
		provider.stubFor(get(urlPathEqualTo("/problems/2")).willReturn(
				aResponse().withStatus(422).withHeader("Content-Type", "text/plain").withBody("at com.acme.X")));

		this.client.get()
			.uri("/public/problems/1?lang=en")
			.exchange()
			.expectStatus()
			.isEqualTo(422)
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectHeader()
			.doesNotExist("X-Powered-By")
			.expectBody()
			.json(problem);
		this.client.get()
			.uri("/public/problems/2")
			.exchange()
			.expectStatus()
			.isEqualTo(422)
			.expectBody(String.class)
			.value((body) -> assertThat(body).contains("\"code\":\"unprocessable\"").doesNotContain("com.acme"));
	}

	@Test
	void successfulAnswer_providerIdentifyingHeadersStripped() {
		this.client.get()
			.uri("/api/web/orders/7001")
			.headers((h) -> h.setBearerAuth(aliceToken()))
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.doesNotExist("Server")
			.expectHeader()
			.doesNotExist("X-Powered-By")
			.expectHeader()
			.doesNotExist("X-Envoy-Upstream-Service-Time")
			.expectHeader()
			.doesNotExist("Matched-Stub-Id");
	}

	@Test
	void hugeBearerToken_431FromNettyWithAProblemBody() throws Exception {
		try (RawHttp http = new RawHttp(this.port)) {
			String answer = http
				.send("GET /api/web/orders/7001 HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
						+ "a".repeat(100 * 1024) + "\r\n\r\n")
				.readUntilClosed();

			assertThat(answer).startsWith("HTTP/1.1 431");
			assertThat(answer.toLowerCase(Locale.ROOT)).contains("content-type: application/problem+json");
			assertThat(answer).contains("\"status\":431", "\"code\":\"headers_too_large\"");
		}
		assertThat(provider.findAll(anyRequestedFor(anyUrl()))).isEmpty();
	}

	@Test
	void hugeRequestLine_414FromNettyWithAProblemBody() throws Exception {
		try (RawHttp http = new RawHttp(this.port)) {
			String answer = http
				.send("GET /api/web/orders/7001?q=" + "x".repeat(20 * 1024) + " HTTP/1.1\r\nHost: localhost\r\n\r\n")
				.readUntilClosed();

			assertThat(answer).startsWith("HTTP/1.1 414");
			assertThat(answer.toLowerCase(Locale.ROOT)).contains("content-type: application/problem+json");
			assertThat(answer).contains("\"status\":414", "\"code\":\"uri_too_long\"");
		}
	}

	// slow clients

	@Test
	void headerBytesDribbled_answered408AndClosedWithinTheHeaderTimeout_othersStillServed() throws Exception {
		long started = System.nanoTime();
		String answer;
		try (RawHttp slow = new RawHttp(this.port)) {
			slow.send("GET /public/menus/501 HTTP/1.1\r\nHost: localhost\r\nX-Slow: ");
			int served = 0;
			for (int i = 0; i < 100 && slow.socket.getInputStream().available() == 0; i++) {
				slow.trySend('a');
				this.client.get().uri("/public/menus/501").exchange().expectStatus().isOk();
				served++;
				Thread.sleep(200);
			}
			answer = slow.readUntilClosed();
			assertThat(served).isPositive();
		}
		long elapsedMillis = (System.nanoTime() - started) / 1_000_000;

		assertThat(answer).startsWith("HTTP/1.1 408");
		assertThat(answer).contains("\"status\":408", "application/problem+json");
		// Never before the timeout (1s); the upper bound is generous for a shared
		// machine.
		assertThat(elapsedMillis).isBetween(1000L, 15_000L);
		assertThat(provider.findAll(anyRequestedFor(urlPathEqualTo("/restaurants/501/menu"))))
			.allSatisfy((r) -> assertThat(r.containsHeader("X-Slow")).isFalse());
	}

	@Test
	void requestBodyStalls_answered408AndClosed() throws Exception {
		String answer;
		try (RawHttp slow = new RawHttp(this.port)) {
			answer = slow
				.send("POST /public/uploads HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/plain\r\n"
						+ "Content-Length: 100\r\n\r\n0123456789")
				.readUntilClosed();
		}

		assertThat(answer).startsWith("HTTP/1.1 408");
		assertThat(provider.findAll(anyRequestedFor(urlPathEqualTo("/uploads")))).isEmpty();
	}

	@Test
	void completeRequestOnAKeptAliveConnection_notCutByTheHeaderTimeout() throws Exception {
		try (RawHttp http = new RawHttp(this.port)) {
			http.send("GET /public/menus/501 HTTP/1.1\r\nHost: localhost\r\n\r\n");
			Thread.sleep(1500);
			String answer = http.send("GET /public/menus/501 HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
				.readUntilClosed();

			assertThat(answer).startsWith("HTTP/1.1 200").contains("HTTP/1.1 200", "{\"items\":[]}");
			assertThat(answer.indexOf("HTTP/1.1 200")).isNotEqualTo(answer.lastIndexOf("HTTP/1.1 200"));
		}
	}

}
