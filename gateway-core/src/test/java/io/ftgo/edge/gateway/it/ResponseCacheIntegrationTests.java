package io.ftgo.edge.gateway.it;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.ftgo.edge.gateway.cache.ResponseCacheWebFilter;
import io.ftgo.edge.stubs.identity.DevIdentityProvider;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;

import com.github.tomakehurst.wiremock.http.Fault;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

/** The response cache over real HTTP; upstream calls counted from WireMock's journal. */
@SpringBootTest(classes = EdgeTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "edge.rate-limit.enabled=false" })
@AutoConfigureWebTestClient(timeout = "20s")
class ResponseCacheIntegrationTests {

	static final DevIdentityProvider identity = DevIdentityProvider.startOnRandomPort();

	static final WireMockServer provider = new WireMockServer(
			options().dynamicPort().bindAddress("127.0.0.1").asynchronousResponseEnabled(true).containerThreads(40));

	static {
		provider.start();
	}

	@Autowired
	WebTestClient client;

	@LocalServerPort
	int port;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		String route = "spring.cloud.gateway.server.webflux.routes[0].";
		registry.add(route + "id", () -> "web");
		registry.add(route + "uri", provider::baseUrl);
		registry.add(route + "predicates[0]", () -> "Path=/api/web/**");
		registry.add(route + "filters[0]", () -> "RewritePath=/api/web/(?<rest>.*), /${rest}");
		registry.add("edge.security.jwt.issuer-uri", identity::issuer);
		registry.add("edge.security.jwt.audiences[0]", () -> "ftgo-edge");
		registry.add("edge.security.propagation.headers.X-Consumer-Id", () -> "consumerId");
		registry.add("edge.cache.rules[0].path", () -> "/api/web/restaurants/**");
		registry.add("edge.cache.rules[0].ttl", () -> "60s");
		registry.add("edge.cache.rules[0].shared", () -> "true");
		registry.add("edge.cache.rules[1].path", () -> "/api/web/orders/**");
		registry.add("edge.cache.rules[1].ttl", () -> "60s");
	}

	@AfterAll
	static void stop() {
		provider.stop();
		identity.close();
	}

	@Autowired
	ResponseCacheWebFilter cache;

	@Autowired
	MeterRegistry meters;

	/** The cache's clock, moved by hand: no test waits for an entry to age. */
	final AtomicLong now = new AtomicLong();

	@BeforeEach
	void reset() {
		this.cache.clock(this.now::get);
		this.cache.clear();
		provider.resetAll();
		provider.stubFor(get(urlPathMatching("/restaurants/50[0-9]"))
			.willReturn(aResponse().withHeader("Content-Type", "application/json")
				.withBody("{\"id\":501,\"name\":\"Ajanta\"}")));
		provider.stubFor(get(urlPathEqualTo("/orders/history")).withHeader("X-Consumer-Id", equalTo("1001"))
			.willReturn(aResponse().withHeader("Content-Type", "application/json").withBody("{\"owner\":\"alice\"}")));
		provider.stubFor(get(urlPathEqualTo("/orders/history")).withHeader("X-Consumer-Id", equalTo("1002"))
			.willReturn(aResponse().withHeader("Content-Type", "application/json").withBody("{\"owner\":\"bob\"}")));
	}

	private WebTestClient.ResponseSpec call(String path, String user) {
		String token = identity.passwordGrant(user, "password");
		return this.client.get().uri(path).headers((h) -> h.setBearerAuth(token)).exchange();
	}

	@Test
	void sharedRule_twoUsers_oneUpstreamCall_secondIsHitWithSameEtag() {
		String first = call("/api/web/restaurants/501", "alice").expectStatus()
			.isOk()
			.expectHeader()
			.valueEquals("X-Cache", "MISS")
			.returnResult(String.class)
			.getResponseHeaders()
			.getETag();

		call("/api/web/restaurants/501", "bob").expectStatus()
			.isOk()
			.expectHeader()
			.valueEquals("X-Cache", "HIT")
			.expectHeader()
			.valueEquals(HttpHeaders.ETAG, first)
			.expectBody()
			.jsonPath("$.name")
			.isEqualTo("Ajanta");

		assertThat(first).startsWith("\"");
		provider.verify(1, getRequestedFor(urlPathEqualTo("/restaurants/501")));
	}

	@Test
	void perUserRule_anotherUsersAnswerIsNeverServed() {
		call("/api/web/orders/history", "alice").expectBody().jsonPath("$.owner").isEqualTo("alice");

		call("/api/web/orders/history", "bob").expectHeader()
			.valueEquals("X-Cache", "MISS")
			.expectBody()
			.jsonPath("$.owner")
			.isEqualTo("bob");
		call("/api/web/orders/history", "alice").expectHeader()
			.valueEquals("X-Cache", "HIT")
			.expectBody()
			.jsonPath("$.owner")
			.isEqualTo("alice");
		call("/api/web/orders/history", "bob").expectHeader()
			.valueEquals("X-Cache", "HIT")
			.expectBody()
			.jsonPath("$.owner")
			.isEqualTo("bob");

		provider.verify(2, getRequestedFor(urlPathEqualTo("/orders/history")));
	}

	@Test
	void privateNoStoreSetCookieAndErrors_areNeverCached() {
		provider.stubFor(get(urlPathEqualTo("/restaurants/502"))
			.willReturn(aResponse().withHeader("Cache-Control", "private").withBody("{}")));
		provider.stubFor(get(urlPathEqualTo("/restaurants/503"))
			.willReturn(aResponse().withHeader("Cache-Control", "no-store").withBody("{}")));
		provider.stubFor(get(urlPathEqualTo("/restaurants/504"))
			.willReturn(aResponse().withHeader("Set-Cookie", "s=1").withBody("{}")));
		provider.stubFor(get(urlPathEqualTo("/restaurants/505")).willReturn(aResponse().withStatus(404)));

		for (String id : List.of("502", "503", "504", "505")) {
			call("/api/web/restaurants/" + id, "alice");
			call("/api/web/restaurants/" + id, "alice");
		}

		for (String id : List.of("502", "503", "504", "505")) {
			provider.verify(2, getRequestedFor(urlPathEqualTo("/restaurants/" + id)));
		}
	}

	@Test
	void concurrentMisses_oneUpstreamCall() {
		provider.stubFor(get(urlPathEqualTo("/restaurants/506"))
			.willReturn(aResponse().withHeader("Content-Type", "application/json")
				.withFixedDelay(800)
				.withBody("{\"id\":506}")));
		String token = identity.passwordGrant("alice", "password");
		WebClient web = WebClient.create("http://localhost:" + this.port);

		List<ResponseEntity<String>> answers = Flux.range(0, 12)
			.flatMap((i) -> web.get()
				.uri("/api/web/restaurants/506")
				.headers((h) -> h.setBearerAuth(token))
				.retrieve()
				.toEntity(String.class), 12)
			.collectList()
			.block(Duration.ofSeconds(20));

		assertThat(answers).hasSize(12).allSatisfy((answer) -> {
			assertThat(answer.getStatusCode().value()).isEqualTo(200);
			assertThat(answer.getBody()).isEqualTo("{\"id\":506}");
		});
		provider.verify(1, getRequestedFor(urlPathEqualTo("/restaurants/506")));
	}

	private void advance(Duration duration) {
		this.now.addAndGet(duration.toNanos());
	}

	private void stubMenu(String id, String cacheControl, String body, int delayMillis) {
		provider.stubFor(get(urlPathEqualTo("/restaurants/" + id))
			.willReturn(aResponse().withHeader("Content-Type", "application/json")
				.withHeader("Cache-Control", cacheControl)
				.withFixedDelay(delayMillis)
				.withBody(body)));
	}

	private double revalidations(String result) {
		var counter = this.meters.find("edge.cache.revalidations").tag("result", result).counter();
		return (counter != null) ? counter.count() : 0;
	}

	@Test
	void providerMaxAge1StaleWhileRevalidate30_staleServedAtOnceToTwenty_oneBackgroundCall() throws Exception {
		stubMenu("601", "max-age=1, stale-while-revalidate=30", "{\"menu\":\"v1\"}", 0);
		call("/api/web/restaurants/601", "alice").expectHeader()
			.valueEquals("X-Cache", "MISS")
			.expectHeader()
			.valueEquals("Age", "0");
		advance(Duration.ofMillis(900));
		call("/api/web/restaurants/601", "alice").expectHeader().valueEquals("X-Cache", "HIT");
		provider.verify(1, getRequestedFor(urlPathEqualTo("/restaurants/601")));

		// Past max-age: the provider now answers v2, slowly. A caller waiting for it
		// would see v2; every caller sees v1 at once.
		advance(Duration.ofMillis(1100));
		stubMenu("601", "max-age=1, stale-while-revalidate=30", "{\"menu\":\"v2\"}", 1500);
		double succeeded = revalidations("succeeded");
		String token = identity.passwordGrant("alice", "password");
		WebClient web = WebClient.create("http://localhost:" + this.port);
		List<ResponseEntity<String>> answers = Flux.range(0, 20)
			.flatMap((i) -> web.get()
				.uri("/api/web/restaurants/601")
				.headers((h) -> h.setBearerAuth(token))
				.retrieve()
				.toEntity(String.class), 20)
			.collectList()
			.block(Duration.ofSeconds(20));

		assertThat(answers).hasSize(20).allSatisfy((answer) -> {
			assertThat(answer.getBody()).isEqualTo("{\"menu\":\"v1\"}");
			assertThat(answer.getHeaders().getFirst("X-Cache")).isEqualTo("STALE");
			assertThat(answer.getHeaders().getFirst("Age")).isEqualTo("2");
		});
		for (int i = 0; i < 200 && revalidations("succeeded") == succeeded; i++) {
			Thread.sleep(100);
		}
		provider.verify(2, getRequestedFor(urlPathEqualTo("/restaurants/601")));
		call("/api/web/restaurants/601", "bob").expectHeader()
			.valueEquals("X-Cache", "HIT")
			.expectBody()
			.jsonPath("$.menu")
			.isEqualTo("v2");
		provider.verify(2, getRequestedFor(urlPathEqualTo("/restaurants/601")));
	}

	@Test
	void ruleTtlIsTheCeiling_andMaxAgeShortensIt() {
		stubMenu("602", "max-age=3600", "{}", 0);
		stubMenu("603", "s-maxage=5, max-age=3600", "{}", 0);
		call("/api/web/restaurants/602", "alice");
		call("/api/web/restaurants/603", "alice");
		advance(Duration.ofSeconds(6));
		call("/api/web/restaurants/602", "alice").expectHeader()
			.valueEquals("X-Cache", "HIT")
			.expectHeader()
			.valueEquals("Age", "6");
		call("/api/web/restaurants/603", "alice").expectHeader().valueEquals("X-Cache", "MISS");
		advance(Duration.ofSeconds(55));
		call("/api/web/restaurants/602", "alice").expectHeader().valueEquals("X-Cache", "MISS");

		provider.verify(2, getRequestedFor(urlPathEqualTo("/restaurants/602")));
		provider.verify(2, getRequestedFor(urlPathEqualTo("/restaurants/603")));
	}

	@Test
	void providerAge_countsAgainstMaxAge() {
		provider.stubFor(get(urlPathEqualTo("/restaurants/606"))
			.willReturn(aResponse().withHeader("Content-Type", "application/json")
				.withHeader("Cache-Control", "max-age=10")
				.withHeader("Age", "8")
				.withBody("{}")));
		call("/api/web/restaurants/606", "alice").expectHeader().valueEquals("X-Cache", "MISS");
		advance(Duration.ofSeconds(1));
		// 8 s old at the provider, 1 s here: 1 s of max-age=10 left
		call("/api/web/restaurants/606", "alice").expectHeader()
			.valueEquals("X-Cache", "HIT")
			.expectHeader()
			.valueEquals("Age", "9");
		advance(Duration.ofSeconds(2));
		call("/api/web/restaurants/606", "alice").expectHeader().valueEquals("X-Cache", "MISS");

		provider.verify(2, getRequestedFor(urlPathEqualTo("/restaurants/606")));
	}

	@Test
	void staleIfError_upstream5xxOrReset_staleServed_thenPassesOnceItEnds() {
		stubMenu("604", "max-age=1, stale-if-error=60", "{\"menu\":\"v1\"}", 0);
		call("/api/web/restaurants/604", "alice").expectHeader().valueEquals("X-Cache", "MISS");
		advance(Duration.ofSeconds(2));
		provider.stubFor(get(urlPathEqualTo("/restaurants/604")).willReturn(aResponse().withStatus(503)));

		call("/api/web/restaurants/604", "alice").expectStatus()
			.isOk()
			.expectHeader()
			.valueEquals("X-Cache", "STALE")
			.expectHeader()
			.valueEquals("Age", "2")
			.expectBody()
			.jsonPath("$.menu")
			.isEqualTo("v1");
		provider.stubFor(get(urlPathEqualTo("/restaurants/604"))
			.willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
		call("/api/web/restaurants/604", "alice").expectStatus().isOk().expectBody().jsonPath("$.menu").isEqualTo("v1");
		provider.verify(3, getRequestedFor(urlPathEqualTo("/restaurants/604")));

		advance(Duration.ofSeconds(60));
		provider.stubFor(get(urlPathEqualTo("/restaurants/604")).willReturn(aResponse().withStatus(503)));
		call("/api/web/restaurants/604", "alice").expectStatus().is5xxServerError();
	}

	@Test
	void pastStaleWhileRevalidate_withoutStaleIfError_callMadeInline() {
		stubMenu("605", "max-age=1, stale-while-revalidate=5", "{\"menu\":\"v1\"}", 0);
		call("/api/web/restaurants/605", "alice");
		advance(Duration.ofSeconds(7));
		stubMenu("605", "max-age=1, stale-while-revalidate=5", "{\"menu\":\"v2\"}", 0);

		call("/api/web/restaurants/605", "alice").expectHeader()
			.valueEquals("X-Cache", "MISS")
			.expectBody()
			.jsonPath("$.menu")
			.isEqualTo("v2");
		provider.verify(2, getRequestedFor(urlPathEqualTo("/restaurants/605")));
	}

	@Test
	void ifNoneMatch_matchingEtag_304WithoutBody() {
		String etag = call("/api/web/restaurants/507", "alice").returnResult(String.class)
			.getResponseHeaders()
			.getETag();
		String token = identity.passwordGrant("alice", "password");

		this.client.get()
			.uri("/api/web/restaurants/507")
			.headers((h) -> h.setBearerAuth(token))
			.header(HttpHeaders.IF_NONE_MATCH, etag)
			.exchange()
			.expectStatus()
			.isNotModified()
			.expectBody()
			.isEmpty();
	}

}
