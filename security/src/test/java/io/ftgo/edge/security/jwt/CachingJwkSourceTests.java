package io.ftgo.edge.security.jwt;

import java.net.URI;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.SignedJWT;
import io.ftgo.edge.stubs.MutableClock;
import io.ftgo.edge.stubs.identity.DevIdentityProvider;
import io.ftgo.edge.stubs.identity.TokenMinter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;

/** Real HTTP to the dev identity provider; time is a hand-moved clock. */
class CachingJwkSourceTests {

	private static final Duration FLOOR = Duration.ofSeconds(30);

	private static final Duration MAX_AGE = Duration.ofMinutes(5);

	private DevIdentityProvider identity;

	private MutableClock clock;

	private CachingJwkSource keys;

	@BeforeEach
	void start() {
		this.identity = DevIdentityProvider.startOnRandomPort();
		this.clock = new MutableClock(Instant.parse("2026-11-22T10:00:00Z"));
		this.keys = new CachingJwkSource(WebClient.create(), Mono.just(this.identity.jwksUri()), FLOOR, MAX_AGE,
				Duration.ofSeconds(2), this.clock);
	}

	@AfterEach
	void stop() {
		this.identity.close();
	}

	@Test
	void knownKid_manyTokens_fetchesOnce() {
		String token = this.identity.minter().forConsumer(1001, "web").sign();

		for (int i = 0; i < 20; i++) {
			assertThat(keysFor(token)).hasSize(1);
		}

		assertThat(this.identity.jwksRequests()).isEqualTo(1);
	}

	@Test
	void concurrentFirstRequests_fetchIsCollapsedIntoOne() {
		String token = this.identity.minter().forConsumer(1001, "web").sign();

		List<List<JWK>> answers = Flux.range(0, 32)
			.flatMap((i) -> this.keys.apply(parse(token)).collectList(), 32)
			.collectList()
			.block(Duration.ofSeconds(10));

		assertThat(answers).hasSize(32).allSatisfy((found) -> assertThat(found).hasSize(1));
		assertThat(this.identity.jwksRequests()).isEqualTo(1);
	}

	@Test
	void floodOfUnknownKids_withinFloor_fetchesAtMostOncePerInterval() {
		assertThat(keysFor(this.identity.minter().forConsumer(1001).sign())).hasSize(1);

		RSAKey attacker = TokenMinter.newRsaKey("attacker");

		for (int i = 0; i < 50; i++) {
			assertThat(
					keysFor(this.identity.minter().forConsumer(1001).signedWith(attacker).kid("made-up-" + i).sign()))
				.isEmpty();
		}
		int withinFloor = this.identity.jwksRequests();
		this.clock.advance(FLOOR);
		for (int i = 50; i < 100; i++) {
			assertThat(
					keysFor(this.identity.minter().forConsumer(1001).signedWith(attacker).kid("made-up-" + i).sign()))
				.isEmpty();
		}

		assertThat(withinFloor).isEqualTo(1);
		assertThat(this.identity.jwksRequests()).isEqualTo(2);
	}

	@Test
	void rotation_newKidAfterFloor_isFetchedAndOldKeyStillServed() {
		String before = this.identity.minter().forConsumer(1001).sign();
		assertThat(keysFor(before)).hasSize(1);

		this.identity.rotateKeys();
		String after = this.identity.minter().forConsumer(1001).sign();
		this.clock.advance(FLOOR);

		assertThat(keysFor(after)).hasSize(1);
		assertThat(keysFor(before)).hasSize(1);
		assertThat(this.identity.jwksRequests()).isEqualTo(2);
	}

	@Test
	void identityProviderDown_keysPastMaxAge_previousKeysKeepServing() {
		String token = this.identity.minter().forConsumer(1001).sign();
		assertThat(keysFor(token)).hasSize(1);

		this.identity.jwksAvailable(false);
		this.clock.advance(MAX_AGE.plusSeconds(1));

		assertThat(keysFor(token)).hasSize(1);
		assertThat(this.identity.jwksRequests()).isEqualTo(2);
	}

	@Test
	void identityProviderUnreachable_noKeysYet_answersEmptyNotError() {
		CachingJwkSource unreachable = new CachingJwkSource(WebClient.create(),
				Mono.just(URI.create("http://127.0.0.1:1/oauth2/jwks")), FLOOR, MAX_AGE, Duration.ofSeconds(2),
				this.clock);

		List<JWK> found = unreachable.apply(parse(this.identity.minter().forConsumer(1001).sign()))
			.collectList()
			.block(Duration.ofSeconds(10));

		assertThat(found).isEmpty();
	}

	@Test
	void firstFetchFailed_noKeys_retriedAfterOneSecondNotAfterFloor() {
		String token = this.identity.minter().forConsumer(1001).sign();
		this.identity.jwksAvailable(false);
		assertThat(keysFor(token)).isEmpty();

		this.identity.jwksAvailable(true);
		assertThat(keysFor(token)).isEmpty();
		this.clock.advance(Duration.ofSeconds(1));

		assertThat(keysFor(token)).hasSize(1);
		assertThat(this.identity.jwksRequests()).isEqualTo(2);
	}

	private List<JWK> keysFor(String token) {
		return this.keys.apply(parse(token)).collectList().block(Duration.ofSeconds(10));
	}

	private static SignedJWT parse(String token) {
		try {
			return SignedJWT.parse(token);
		}
		catch (ParseException ex) {
			throw new IllegalArgumentException(ex);
		}
	}

}
