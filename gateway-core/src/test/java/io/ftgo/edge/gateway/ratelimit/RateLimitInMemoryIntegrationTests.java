package io.ftgo.edge.gateway.ratelimit;

import java.util.List;
import java.util.stream.IntStream;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.matching.RequestPattern;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.ftgo.edge.gateway.ratelimit.RateLimitHttp.Answer;
import io.ftgo.edge.gateway.ratelimit.RateLimitHttp.Request;
import io.ftgo.edge.stubs.identity.DevIdentityProvider;

import static io.ftgo.edge.gateway.ratelimit.RateLimitTestApplication.ANONYMOUS_LIMIT;
import static io.ftgo.edge.gateway.ratelimit.RateLimitTestApplication.DEFAULT_LIMIT;
import static io.ftgo.edge.gateway.ratelimit.RateLimitTestApplication.PREMIUM_LIMIT;
import static io.ftgo.edge.gateway.ratelimit.RateLimitTestApplication.STANDARD_LIMIT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The in-memory rate limit over real HTTP, behind the real security chain. Budgets live
 * for the whole (shared) context: every test uses callers of its own.
 */
@SpringBootTest(classes = RateLimitTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class RateLimitInMemoryIntegrationTests {

	static final DevIdentityProvider identity = DevIdentityProvider.startOnRandomPort();

	/** A provider behind a proxied gateway route: the limit applies to routes too. */
	static final WireMockServer provider = startProvider();

	static final long HOUR = 3600;

	@LocalServerPort
	int port;

	@Autowired
	MeterRegistry meters;

	RateLimitHttp http;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		RateLimitTestApplication.properties(identity).forEach((key, value) -> registry.add(key, () -> value));
		registry.add("spring.cloud.gateway.server.webflux.routes[0].id", () -> "restaurant");
		registry.add("spring.cloud.gateway.server.webflux.routes[0].uri", provider::baseUrl);
		registry.add("spring.cloud.gateway.server.webflux.routes[0].predicates[0]",
				() -> "Path=/api/user/restaurants/**");
		registry.add("spring.cloud.gateway.server.webflux.routes[1].id", () -> "public-restaurant");
		registry.add("spring.cloud.gateway.server.webflux.routes[1].uri", provider::baseUrl);
		registry.add("spring.cloud.gateway.server.webflux.routes[1].predicates[0]",
				() -> "Path=/public/restaurants/**");
	}

	@AfterAll
	static void stop() {
		identity.close();
		provider.stop();
	}

	static WireMockServer startProvider() {
		WireMockServer server = new WireMockServer(
				WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
		server.start();
		server.stubFor(WireMock.get(WireMock.urlPathMatching("/api/user/restaurants/.*"))
			.willReturn(WireMock.okJson("{\"id\":501,\"name\":\"Ajanta\"}")));
		server.stubFor(WireMock.get(WireMock.urlPathMatching("/public/restaurants/.*"))
			.willReturn(WireMock.okJson("{\"id\":501,\"name\":\"Ajanta\"}")));
		return server;
	}

	@BeforeEach
	void setUp() {
		this.http = new RateLimitHttp(this.port);
		RateLimitTestApplication.handled.set(0);
	}

	@Test
	void user_threeTimesLimitConcurrently_exactlyLimitServedRest429() {
		String token = userToken(3001);
		double limitedBefore = requests("default", "limited");

		List<Answer> answers = this.http.concurrently(3 * DEFAULT_LIMIT,
				(i) -> Request.get("/api/user/ping").bearer(token));

		assertThat(RateLimitHttp.count(answers, 200)).isEqualTo(DEFAULT_LIMIT);
		assertThat(RateLimitHttp.count(answers, 429)).isEqualTo(2 * DEFAULT_LIMIT);
		assertThat(RateLimitTestApplication.handled).hasValue(DEFAULT_LIMIT);
		answers.stream()
			.filter((a) -> a.status() == 200)
			.forEach((a) -> RateLimitHttp.assertAllowed(a, DEFAULT_LIMIT, HOUR));
		assertThat(answers.stream().filter((a) -> a.status() == 200).map((a) -> RateLimitHttp.remaining(a)))
			.containsExactlyInAnyOrderElementsOf(
					IntStream.range(0, DEFAULT_LIMIT).mapToObj(Integer::toString).toList());
		answers.stream()
			.filter((a) -> a.status() == 429)
			.forEach((a) -> RateLimitHttp.assertLimited(a, DEFAULT_LIMIT, HOUR));
		assertThat(requests("default", "limited") - limitedBefore).isEqualTo(2 * DEFAULT_LIMIT);
	}

	@Test
	void proxiedRoute_twiceLimitConcurrently_exactlyLimitReachTheProvider() {
		String token = userToken(3010);
		provider.resetRequests();

		List<Answer> answers = this.http.concurrently(2 * DEFAULT_LIMIT,
				(i) -> Request.get("/api/user/restaurants/501").bearer(token));

		assertThat(RateLimitHttp.count(answers, 200)).isEqualTo(DEFAULT_LIMIT);
		assertThat(provider.countRequestsMatching(RequestPattern.everything()).getCount()).isEqualTo(DEFAULT_LIMIT);
		answers.stream()
			.filter((a) -> a.status() == 200)
			.forEach((a) -> RateLimitHttp.assertAllowed(a, DEFAULT_LIMIT, HOUR));
		answers.stream()
			.filter((a) -> a.status() == 429)
			.forEach((a) -> RateLimitHttp.assertLimited(a, DEFAULT_LIMIT, HOUR));
	}

	@Test
	void twoUsers_oneExhausted_otherUnaffected() {
		String exhausted = userToken(3002);
		String other = userToken(3003);
		this.http.concurrently(DEFAULT_LIMIT + 1, (i) -> Request.get("/api/user/ping").bearer(exhausted));

		Answer limited = this.http.one(Request.get("/api/user/ping").bearer(exhausted));
		Answer fresh = this.http.one(Request.get("/api/user/ping").bearer(other));

		RateLimitHttp.assertLimited(limited, DEFAULT_LIMIT, HOUR);
		RateLimitHttp.assertAllowed(fresh, DEFAULT_LIMIT, HOUR);
		assertThat(RateLimitHttp.remaining(fresh)).isEqualTo(Integer.toString(DEFAULT_LIMIT - 1));
	}

	@Test
	void partner_tokenAndApiKey_shareOneStandardTierBudget() {
		String token = identity.clientCredentialsGrant("partner-ajanta", "ajanta-secret");

		List<Answer> answers = this.http.concurrently(3 * STANDARD_LIMIT,
				(i) -> (i % 2 == 0) ? Request.get("/api/partner/ping").bearer(token)
						: Request.get("/api/partner/ping").header("X-API-Key", RateLimitTestApplication.AJANTA_KEY));

		assertThat(RateLimitHttp.count(answers, 200)).isEqualTo(STANDARD_LIMIT);
		assertThat(RateLimitTestApplication.handled).hasValue(STANDARD_LIMIT);
		answers.stream()
			.filter((a) -> a.status() == 429)
			.forEach((a) -> RateLimitHttp.assertLimited(a, STANDARD_LIMIT, HOUR));
	}

	@Test
	void partner_premiumTierClaim_getsPremiumLimit() {
		String token = identity.clientCredentialsGrant("partner-eggshop", "eggshop-secret");

		List<Answer> answers = this.http.concurrently(2 * PREMIUM_LIMIT,
				(i) -> Request.get("/api/partner/ping").bearer(token));

		assertThat(RateLimitHttp.count(answers, 200)).isEqualTo(PREMIUM_LIMIT);
		answers.forEach((a) -> assertThat(a.header("RateLimit-Policy")).contains(";q=" + PREMIUM_LIMIT + ";"));
	}

	@Test
	void partner_unconfiguredTier_limitedByDefaultTier() {
		String token = identity.minter().forPartner("partner-gold", "gold", List.of(599L)).sign();

		List<Answer> answers = this.http.concurrently(DEFAULT_LIMIT + 5,
				(i) -> Request.get("/api/partner/ping").bearer(token));

		assertThat(RateLimitHttp.count(answers, 200)).isEqualTo(DEFAULT_LIMIT);
		answers.forEach((a) -> assertThat(a.header("RateLimit-Policy")).contains(";q=" + DEFAULT_LIMIT + ";"));
	}

	@Test
	void anonymous_rotatingSpoofedForwardedFor_untrustedPeer_oneBudgetByPeerAddress() {
		List<Answer> answers = this.http.concurrently(3 * ANONYMOUS_LIMIT,
				(i) -> Request.get("/public/ping").header("X-Forwarded-For", "203.0.113." + (i + 1)));

		assertThat(RateLimitHttp.count(answers, 200)).isEqualTo(ANONYMOUS_LIMIT);
		assertThat(RateLimitTestApplication.handled).hasValue(ANONYMOUS_LIMIT);
		answers.stream()
			.filter((a) -> a.status() == 429)
			.forEach((a) -> RateLimitHttp.assertLimited(a, ANONYMOUS_LIMIT, HOUR));
	}

	/**
	 * A permit-all route (no token needed) is not a way around the edge chain: the
	 * identity headers a client forges never reach the provider, and the anonymous budget
	 * of the client's address applies. From 127.0.0.2, a peer whose budget no other test
	 * touches.
	 */
	@Test
	void permitAllRoute_identityHeadersStripped_andRateLimitedByAddress() {
		RateLimitHttp fromOtherPeer = new RateLimitHttp(this.port, "127.0.0.2");
		provider.resetRequests();

		List<Answer> answers = fromOtherPeer.concurrently(2 * ANONYMOUS_LIMIT,
				(i) -> Request.get("/public/restaurants/501")
					.header("X-Consumer-Id", "1002")
					.header("X-User-Email", "bob@example.com")
					.header("X-Forwarded-For", "198.51.100." + (i + 1)));

		assertThat(RateLimitHttp.count(answers, 200)).isEqualTo(ANONYMOUS_LIMIT);
		answers.stream()
			.filter((a) -> a.status() == 429)
			.forEach((a) -> RateLimitHttp.assertLimited(a, ANONYMOUS_LIMIT, HOUR));
		List<com.github.tomakehurst.wiremock.verification.LoggedRequest> seen = provider
			.findAll(WireMock.anyRequestedFor(WireMock.anyUrl()));
		assertThat(seen).hasSize(ANONYMOUS_LIMIT);
		seen.forEach((request) -> assertThat(request.getHeaders().keys())
			.noneMatch((name) -> name.equalsIgnoreCase("X-Consumer-Id") || name.equalsIgnoreCase("X-User-Email")));
	}

	@Test
	void actuatorHealth_excludedAndUpWithoutRedis() {
		Answer health = this.http.one(Request.get("/actuator/health"));

		assertThat(health.status()).isEqualTo(200);
		assertThat(health.header("RateLimit-Policy")).isNull();
	}

	@Test
	void unauthenticated_rejectedBySecurityFirst_noRateLimitHeaders() {
		Answer answer = this.http.one(Request.get("/api/user/ping"));

		assertThat(answer.status()).isEqualTo(401);
		assertThat(answer.header("RateLimit-Policy")).isNull();
	}

	private double requests(String tier, String outcome) {
		return this.meters.counter(RateLimitWebFilter.REQUESTS_METRIC, "tier", tier, "outcome", outcome).count();
	}

	private static String userToken(long consumerId) {
		return identity.minter().forConsumer(consumerId, "web").sign();
	}

}
