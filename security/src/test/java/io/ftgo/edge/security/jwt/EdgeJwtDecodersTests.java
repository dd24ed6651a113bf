package io.ftgo.edge.security.jwt;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import io.ftgo.edge.stubs.MutableClock;
import io.ftgo.edge.security.config.EdgeSecurityProperties;
import io.ftgo.edge.stubs.identity.DevIdentityProvider;
import io.ftgo.edge.stubs.identity.TokenMinter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import reactor.test.StepVerifier;

import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.util.unit.DataSize;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;

class EdgeJwtDecodersTests {

	private static DevIdentityProvider identity;

	private static EdgeJwtDecoders.Decoder decoder;

	private static MutableClock clock;

	@BeforeAll
	static void start() {
		identity = DevIdentityProvider.startOnRandomPort();
		clock = new MutableClock(Instant.now());
		EdgeSecurityProperties.Jwt settings = new EdgeSecurityProperties.Jwt(true,
				java.net.URI.create(identity.issuer()), null, List.of("ftgo-edge"), List.of("RS256", "ES256"),
				Duration.ofSeconds(30), DataSize.ofKilobytes(8), Duration.ofSeconds(30), Duration.ofMinutes(5),
				Duration.ofSeconds(2));
		decoder = EdgeJwtDecoders.create(settings, WebClient.create(), clock);
	}

	@AfterAll
	static void stop() {
		identity.close();
	}

	@Test
	void validToken_discoversKeysFromIssuer_decodes() {
		String token = identity.minter().forConsumer(1001, "web", "mobile").sign();

		StepVerifier.create(decoder.decoder().decode(token)).assertNext((jwt) -> {
			assertThat(jwt.getSubject()).isEqualTo("1001");
			assertThat(jwt.getClaimAsString("scope")).isEqualTo("web mobile");
		}).verifyComplete();
	}

	static Stream<Arguments> hostileTokens() {
		Stream<Arguments> common = TokenMinter.hostileVariants()
			.entrySet()
			.stream()
			.map((e) -> Arguments.of(e.getKey(), e.getValue()));
		UnaryOperator<TokenMinter.Token> unpublishedEc = (t) -> t.signedWith(TokenMinter.newEcKey("ec-1"));
		return Stream.concat(common, Stream.of(Arguments.of("ES256 by an unpublished key", unpublishedEc)));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("hostileTokens")
	void hostileToken_isRejected(String name, UnaryOperator<TokenMinter.Token> hostile) {
		String token = hostile.apply(identity.minter().forConsumer(1001, "web")).sign();

		StepVerifier.create(decoder.decoder().decode(token)).expectError(JwtException.class).verify();
	}

	@Test
	void expiredWithinClockSkew_isAccepted() {
		String token = identity.minter()
			.forConsumer(1001)
			.expiresAt(clock.instant().minusSeconds(10))
			.issuedAt(clock.instant().minusSeconds(100))
			.notBefore(clock.instant().minusSeconds(100))
			.sign();

		StepVerifier.create(decoder.decoder().decode(token)).expectNextCount(1).verifyComplete();
	}

	@Test
	void expiredBeyondClockSkew_isRejected() {
		String token = identity.minter()
			.forConsumer(1001)
			.expiresAt(clock.instant().minusSeconds(31))
			.issuedAt(clock.instant().minusSeconds(100))
			.notBefore(clock.instant().minusSeconds(100))
			.sign();

		StepVerifier.create(decoder.decoder().decode(token)).expectError(JwtException.class).verify();
	}

}
