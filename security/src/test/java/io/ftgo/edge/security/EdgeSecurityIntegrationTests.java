package io.ftgo.edge.security;

import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import io.ftgo.edge.security.apikey.ApiKeyAuthenticationManager;
import io.ftgo.edge.security.web.EdgeFirewall;
import io.ftgo.edge.stubs.identity.DevIdentityProvider;
import io.ftgo.edge.stubs.identity.TokenMinter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.security.web.server.WebFilterChainProxy;
import org.springframework.security.web.server.firewall.ServerWebExchangeFirewall;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/** The edge security chain over real HTTP, with tokens from the dev identity provider. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient
class EdgeSecurityIntegrationTests {

	static final DevIdentityProvider identity = DevIdentityProvider.startOnRandomPort();

	static final String AJANTA_KEY = "demo-ajanta-key";

	@Autowired
	WebTestClient client;

	@Autowired
	WebFilterChainProxy securityFilterChainProxy;

	@Autowired
	ServerWebExchangeFirewall firewall;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		registry.add("edge.security.jwt.issuer-uri", identity::issuer);
		registry.add("edge.security.jwt.audiences[0]", () -> "ftgo-edge");
		registry.add("edge.security.jwt.max-token-size", () -> "4KB");
		registry.add("edge.security.api-keys.keys[0].client-id", () -> "partner-ajanta");
		registry.add("edge.security.api-keys.keys[0].hash", () -> ApiKeyAuthenticationManager.hash(AJANTA_KEY));
		registry.add("edge.security.api-keys.keys[0].tier", () -> "standard");
		registry.add("edge.security.api-keys.keys[0].scopes[0]", () -> "partner");
		registry.add("edge.security.api-keys.keys[0].restaurant-ids[0]", () -> "501");
		registry.add("edge.security.rules[0].path", () -> "/api/web/**");
		registry.add("edge.security.rules[0].scopes[0]", () -> "web");
		registry.add("edge.security.rules[1].path", () -> "/api/partner/**");
		registry.add("edge.security.rules[1].scopes[0]", () -> "partner");
		registry.add("edge.security.rules[2].path", () -> "/public/**");
		registry.add("edge.security.rules[2].permit-all", () -> "true");
		registry.add("edge.security.propagation.headers.X-Consumer-Id", () -> "consumerId");
		registry.add("edge.security.propagation.headers.X-Client-Id", () -> "clientId");
	}

	@AfterAll
	static void stop() {
		identity.close();
	}

	@BeforeEach
	void resetCount() {
		SecurityTestApplication.handled.set(0);
	}

	@Test
	void validUserToken_reachesHandler_withPrincipal() {
		String token = identity.passwordGrant("alice", "password");

		this.client.get()
			.uri("/api/web/echo")
			.headers((h) -> h.setBearerAuth(token))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.id")
			.isEqualTo("jwt:1001")
			.jsonPath("$.attributes.consumerId")
			.isEqualTo(1001)
			.jsonPath("$.identityScope")
			.isEqualTo("sub:1001");

		assertThat(SecurityTestApplication.handled).hasValue(1);
	}

	static Stream<Arguments> hostileTokens() {
		return Stream.of(Arguments.of("expired", op(TokenMinter.Token::expired), "expired"),
				Arguments.of("not yet valid", op(TokenMinter.Token::notYetValid), "not valid yet"),
				Arguments.of("wrong issuer", op(TokenMinter.Token::wrongIssuer), "issuer"),
				Arguments.of("wrong audience", op(TokenMinter.Token::wrongAudience), "audience"),
				Arguments.of("alg none", op(TokenMinter.Token::algNone), ""),
				Arguments.of("foreign key", op(TokenMinter.Token::foreignKey), "signature"),
				Arguments.of("unknown kid", op(TokenMinter.Token::unknownKid), "signature"),
				Arguments.of("HS256 with the public key", op(TokenMinter.Token::hs256WithPublicKey), ""),
				Arguments.of("oversized", op((t) -> t.padded(5 * 1024)), "too large"));
	}

	private static UnaryOperator<TokenMinter.Token> op(UnaryOperator<TokenMinter.Token> op) {
		return op;
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("hostileTokens")
	void hostileToken_401ProblemWithChallenge_handlerNeverRuns(String name, UnaryOperator<TokenMinter.Token> hostile,
			String detail) {
		String token = hostile.apply(identity.minter().forConsumer(1001, "web")).sign();

		this.client.get()
			.uri("/api/web/echo")
			.headers((h) -> h.setBearerAuth(token))
			.exchange()
			.expectStatus()
			.isUnauthorized()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectHeader()
			.value(HttpHeaders.WWW_AUTHENTICATE,
					(challenge) -> assertThat(challenge)
						.startsWith("Bearer realm=\"ftgo-edge\", error=\"invalid_token\""))
			.expectBody()
			.jsonPath("$.status")
			.isEqualTo(401)
			.jsonPath("$.code")
			.isEqualTo("invalid_token")
			.jsonPath("$.detail")
			.value(String.class, (text) -> assertThat(text).contains(detail)
				.doesNotContain("localhost", "127.0.0.1", "Exception", "nimbus", "springframework"));

		assertThat(SecurityTestApplication.handled).hasValue(0);
	}

	@Test
	void malformedBearerHeader_401Malformed_handlerNeverRuns() {
		String token = identity.passwordGrant("alice", "password");

		this.client.get()
			.uri("/api/web/echo")
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + token + " trailing")
			.exchange()
			.expectStatus()
			.isUnauthorized()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.code")
			.isEqualTo("invalid_token")
			.jsonPath("$.detail")
			.value(String.class, (text) -> assertThat(text).contains("malformed"));

		assertThat(SecurityTestApplication.handled).hasValue(0);
	}

	@Test
	void securityFilterChain_usesTheEdgeFirewall() {
		assertThat(this.securityFilterChainProxy).extracting("firewall")
			.isSameAs(this.firewall)
			.extracting("allowedHeaderValues")
			.isSameAs(EdgeFirewall.HEADER_VALUES);
	}

	@Test
	void noCredentials_401WithBareChallenges() {
		this.client.get()
			.uri("/api/web/echo")
			.exchange()
			.expectStatus()
			.isUnauthorized()
			.expectHeader()
			.valueEquals(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"ftgo-edge\"",
					"ApiKey realm=\"ftgo-edge\", header=\"X-API-Key\"")
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.status")
			.isEqualTo(401)
			.jsonPath("$.code")
			.isEqualTo("unauthorized");

		assertThat(SecurityTestApplication.handled).hasValue(0);
	}

	@Test
	void tokenInQueryString_isIgnored_401() {
		String token = identity.passwordGrant("alice", "password");

		this.client.get().uri("/api/web/echo?access_token=" + token).exchange().expectStatus().isUnauthorized();

		assertThat(SecurityTestApplication.handled).hasValue(0);
	}

	@Test
	void userTokenOnPartnerRoute_403InsufficientScope() {
		String token = identity.passwordGrant("alice", "password");

		this.client.get()
			.uri("/api/partner/echo")
			.headers((h) -> h.setBearerAuth(token))
			.exchange()
			.expectStatus()
			.isForbidden()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectHeader()
			.value(HttpHeaders.WWW_AUTHENTICATE, (value) -> assertThat(value).contains("error=\"insufficient_scope\""));

		assertThat(SecurityTestApplication.handled).hasValue(0);
	}

	@Test
	void partnerClientCredentialsToken_partnerRoute_boundRestaurants() {
		String token = identity.clientCredentialsGrant("partner-ajanta", "ajanta-secret");

		this.client.get()
			.uri("/api/partner/echo")
			.headers((h) -> h.setBearerAuth(token))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.attributes.restaurantIds[0]")
			.isEqualTo(501)
			.jsonPath("$.identityScope")
			.isEqualTo("client:partner-ajanta")
			.jsonPath("$.tier")
			.isEqualTo("standard");
	}

	@Test
	void validApiKey_partnerRoute_sameIdentityScopeAsPartnerToken() {
		this.client.get()
			.uri("/api/partner/echo")
			.header("X-API-Key", AJANTA_KEY)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.id")
			.isEqualTo("key:partner-ajanta")
			.jsonPath("$.identityScope")
			.isEqualTo("client:partner-ajanta")
			.jsonPath("$.attributes.restaurantIds[0]")
			.isEqualTo(501);
	}

	@Test
	void unknownApiKey_401ProblemNamingTheKeyProblem() {
		this.client.get()
			.uri("/api/partner/echo")
			.header("X-API-Key", "guessed-key")
			.exchange()
			.expectStatus()
			.isUnauthorized()
			.expectBody()
			.jsonPath("$.code")
			.isEqualTo("invalid_api_key");

		assertThat(SecurityTestApplication.handled).hasValue(0);
	}

	@Test
	void apiKeyAndBearerTogether_401() {
		String token = identity.passwordGrant("alice", "password");

		this.client.get()
			.uri("/api/partner/echo")
			.header("X-API-Key", AJANTA_KEY)
			.headers((h) -> h.setBearerAuth(token))
			.exchange()
			.expectStatus()
			.isUnauthorized();

		assertThat(SecurityTestApplication.handled).hasValue(0);
	}

	@Test
	void apiKeyOnUserRoute_403() {
		this.client.get().uri("/api/web/echo").header("X-API-Key", AJANTA_KEY).exchange().expectStatus().isForbidden();
	}

	@Test
	void publicPath_noCredentials_200() {
		this.client.get().uri("/public/ping").exchange().expectStatus().isOk();
	}

	@Test
	void unmatchedPath_noCredentials_401NotAHint() {
		this.client.get()
			.uri("/somewhere/else")
			.exchange()
			.expectStatus()
			.isUnauthorized()
			.expectBody()
			.jsonPath("$.code")
			.isEqualTo("unauthorized");
	}

	@Test
	void spoofedIdentityHeaders_replacedFromToken_apiKeyAndForeignCopiesDropped() {
		String token = identity.passwordGrant("alice", "password");

		this.client.get()
			.uri("/api/web/echo")
			.headers((h) -> h.setBearerAuth(token))
			.header("X-Consumer-Id", "1002")
			.header("X-Client-Id", "partner-eggshop")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.outboundHeaders.X-Consumer-Id")
			.isEqualTo("1001")
			.jsonPath("$.outboundHeaders.X-Client-Id")
			.doesNotExist()
			.jsonPath("$.outboundHeaders.Authorization")
			.isEqualTo("Bearer " + token);
	}

	@Test
	void apiKeyCaller_keyNeverForwarded() {
		this.client.get()
			.uri("/api/partner/echo")
			.header("X-API-Key", AJANTA_KEY)
			.header("X-Consumer-Id", "1001")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.outboundHeaders.X-API-Key")
			.doesNotExist()
			.jsonPath("$.outboundHeaders.X-Consumer-Id")
			.doesNotExist()
			.jsonPath("$.outboundHeaders.X-Client-Id")
			.isEqualTo("partner-ajanta");
	}

	@Test
	void securityHeaders_sentOnAnswersAndRefusals() {
		String token = identity.passwordGrant("alice", "password");

		for (WebTestClient.ResponseSpec response : java.util.List.of(
				this.client.get().uri("/api/web/echo").headers((h) -> h.setBearerAuth(token)).exchange(),
				this.client.get().uri("/public/ping").exchange(), this.client.get().uri("/api/web/echo").exchange())) {
			response.expectHeader()
				.valueEquals("X-Content-Type-Options", "nosniff")
				.expectHeader()
				.valueEquals("X-Frame-Options", "DENY");
		}
	}

	@Test
	void badTokenOnPublicPath_401ProblemJson_handlerNotCalled() {
		this.client.get()
			.uri("/public/ping")
			.headers((h) -> h.setBearerAuth("not-a-jwt"))
			.exchange()
			.expectStatus()
			.isUnauthorized()
			.expectHeader()
			.contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);

		assertThat(SecurityTestApplication.handled).hasValue(0);
	}

}
