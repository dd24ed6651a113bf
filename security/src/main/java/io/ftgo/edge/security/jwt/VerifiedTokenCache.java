package io.ftgo.edge.security.jwt;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicReference;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import reactor.core.publisher.Mono;

import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtValidationException;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;

/**
 * Remembers tokens that passed the full check (signature, issuer, audience, times), so a
 * client sending the same bearer token again costs a map lookup instead of an RSA
 * verification: the signature of an unchanged token cannot become invalid. Expiry is
 * checked again on every hit (with the configured skew), entries leave the cache when the
 * token expires or after {@code maxAge}, and failures are never cached. A key the
 * identity provider retires stops being trusted for tokens it signed within
 * {@code maxAge}. Concurrent first uses of one token (a burst from a client that just got
 * it) share one verification.
 */
final class VerifiedTokenCache implements ReactiveJwtDecoder {

	private final ReactiveJwtDecoder delegate;

	private final Cache<String, Jwt> verified;

	private final ConcurrentMap<String, Mono<Jwt>> inFlight = new ConcurrentHashMap<>();

	private final Clock clock;

	private final Duration clockSkew;

	VerifiedTokenCache(ReactiveJwtDecoder delegate, long maxSize, Duration maxAge, Duration clockSkew, Clock clock) {
		this.delegate = delegate;
		this.clock = clock;
		this.clockSkew = clockSkew;
		this.verified = Caffeine.newBuilder().maximumSize(maxSize).expireAfterWrite(maxAge).build();
	}

	@Override
	public Mono<Jwt> decode(String token) {
		Jwt cached = this.verified.getIfPresent(token);
		if (cached != null) {
			if (cached.getExpiresAt() != null && cached.getExpiresAt().plus(this.clockSkew).isAfter(now())) {
				return Mono.just(cached);
			}
			this.verified.invalidate(token);
			return Mono.error(new JwtValidationException("Jwt expired",
					java.util.List.of(new OAuth2Error(OAuth2ErrorCodes.INVALID_TOKEN, "Jwt expired", null))));
		}
		return this.inFlight.computeIfAbsent(token, this::verify);
	}

	/** One verification, shared by the callers that arrive while it runs. */
	private Mono<Jwt> verify(String token) {
		AtomicReference<Mono<Jwt>> self = new AtomicReference<>();
		Mono<Jwt> shared = Mono.defer(() -> this.delegate.decode(token))
			.doOnNext((jwt) -> this.verified.put(token, jwt))
			// only this verification's own entry: a later one may have taken the key
			.doFinally((signal) -> this.inFlight.remove(token, self.get()))
			.share();
		self.set(shared);
		return shared;
	}

	private Instant now() {
		return this.clock.instant();
	}

}
