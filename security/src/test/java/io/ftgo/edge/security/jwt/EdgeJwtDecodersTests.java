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
		return Stream.of(Arguments.of("expired", (UnaryOperator<TokenMinter.Token>) TokenMinter.Token::expired),
				Arguments.of("not yet valid", (UnaryOperator<TokenMinter.Token>) TokenMinter.Token::notYetValid),
				Arguments.of("wrong issuer", (UnaryOperator<TokenMinter.Token>) TokenMinter.Token::wrongIssuer),
				Arguments.of("wrong audience", (UnaryOperator<TokenMinter.Token>) TokenMinter.Token::wrongAudience),
				Arguments.of("alg none", (UnaryOperator<TokenMinter.Token>) TokenMinter.Token::algNone),
				Arguments.of("foreign key", (UnaryOperator<TokenMinter.Token>) TokenMinter.Token::foreignKey),
				Arguments.of("unknown kid", (UnaryOperator<TokenMinter.Token>) TokenMinter.Token::unknownKid),
				Arguments.of("HS256 keyed with the public key",
						(UnaryOperator<TokenMinter.Token>) TokenMinter.Token::hs256WithPublicKey),
				Arguments.of("no exp", (UnaryOperator<TokenMinter.Token>) (t) -> t.without("exp")),
				Arguments.of("no sub", (UnaryOperator<TokenMinter.Token>) (t) -> t.without("sub")),
				Arguments.of("no aud", (UnaryOperator<TokenMinter.Token>) (t) -> t.without("aud")),
				Arguments.of("ES256 by an unpublished key",
						(UnaryOperator<TokenMinter.Token>) (t) -> t.signedWith(TokenMinter.newEcKey("ec-1"))));
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
