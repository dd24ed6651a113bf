package io.ftgo.edge.security.jwt;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.ftgo.edge.stubs.MutableClock;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;

import static org.assertj.core.api.Assertions.assertThat;

class VerifiedTokenCacheTests {

	private final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T10:00:00Z"));

	private final AtomicInteger verifications = new AtomicInteger();

	private ReactiveJwtDecoder verifier(Instant expiresAt) {
		return (token) -> {
			this.verifications.incrementAndGet();
			if (token.startsWith("bad")) {
				return Mono.error(new BadJwtException("signature"));
			}
			return Mono.just(Jwt.withTokenValue(token)
				.header("alg", "RS256")
				.subject("1001")
				.issuedAt(expiresAt.minusSeconds(3600))
				.expiresAt(expiresAt)
				.build());
		};
	}

	@Test
	void sameTokenTwice_verifiedOnce() {
		VerifiedTokenCache cache = new VerifiedTokenCache(verifier(this.clock.instant().plusSeconds(600)), 100,
				Duration.ofMinutes(5), Duration.ofSeconds(30), this.clock);

		StepVerifier.create(cache.decode("t1")).expectNextCount(1).verifyComplete();
		StepVerifier.create(cache.decode("t1")).expectNextCount(1).verifyComplete();

		assertThat(this.verifications).hasValue(1);
	}

	@Test
	void concurrentFirstUses_shareOneVerification() {
		Sinks.One<Jwt> answer = Sinks.one();
		VerifiedTokenCache cache = cacheAnsweringWith(answer);
		List<Jwt> seen = new CopyOnWriteArrayList<>();
		for (int i = 0; i < 50; i++) {
			cache.decode("t1").subscribe(seen::add);
		}
		assertThat(this.verifications).hasValue(1);

		answer.tryEmitValue(Jwt.withTokenValue("t1")
			.header("alg", "RS256")
			.subject("1001")
			.expiresAt(this.clock.instant().plusSeconds(600))
			.build());

		assertThat(seen).hasSize(50);
		StepVerifier.create(cache.decode("t1")).expectNextCount(1).verifyComplete();
		assertThat(this.verifications).hasValue(1);
	}

	@Test
	void concurrentFirstUses_ofABadToken_shareTheFailure_andTheNextUseVerifiesAgain() {
		Sinks.One<Jwt> answer = Sinks.one();
		VerifiedTokenCache cache = cacheAnsweringWith(answer);
		List<Throwable> errors = new CopyOnWriteArrayList<>();
		for (int i = 0; i < 10; i++) {
			cache.decode("bad").subscribe((jwt) -> {
			}, errors::add);
		}
		answer.tryEmitError(new BadJwtException("signature"));

		assertThat(errors).hasSize(10).allMatch(BadJwtException.class::isInstance);
		assertThat(this.verifications).hasValue(1);
		cache.decode("bad").subscribe((jwt) -> {
		}, errors::add);
		assertThat(this.verifications).hasValue(2);
	}

	/** A cache whose verifications (counted) all answer with {@code answer}. */
	private VerifiedTokenCache cacheAnsweringWith(Sinks.One<Jwt> answer) {
		ReactiveJwtDecoder slow = (token) -> {
			this.verifications.incrementAndGet();
			return answer.asMono();
		};
		return new VerifiedTokenCache(slow, 100, Duration.ofMinutes(5), Duration.ofSeconds(30), this.clock);
	}

	@Test
	void cachedTokenPastExpiryAndSkew_rejectedWithoutVerifying() {
		VerifiedTokenCache cache = new VerifiedTokenCache(verifier(this.clock.instant().plusSeconds(60)), 100,
				Duration.ofMinutes(5), Duration.ofSeconds(30), this.clock);
		StepVerifier.create(cache.decode("t1")).expectNextCount(1).verifyComplete();

		this.clock.advance(Duration.ofSeconds(91));

		StepVerifier.create(cache.decode("t1")).expectError(JwtException.class).verify();
		assertThat(this.verifications).hasValue(1);
	}

	@Test
	void failures_areNeverCached() {
		VerifiedTokenCache cache = new VerifiedTokenCache(verifier(this.clock.instant().plusSeconds(600)), 100,
				Duration.ofMinutes(5), Duration.ofSeconds(30), this.clock);

		StepVerifier.create(cache.decode("bad")).expectError(BadJwtException.class).verify();
		StepVerifier.create(cache.decode("bad")).expectError(BadJwtException.class).verify();

		assertThat(this.verifications).hasValue(2);
	}

}
