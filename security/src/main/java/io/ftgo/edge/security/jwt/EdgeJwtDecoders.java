package io.ftgo.edge.security.jwt;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.proc.JWKSecurityContext;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.jwk.source.JWKSecurityContextJWKSet;
import reactor.core.publisher.Mono;

import org.springframework.core.ParameterizedTypeReference;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtAudienceValidator;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.web.reactive.function.client.WebClient;

import io.ftgo.edge.security.config.EdgeSecurityProperties;

/**
 * Builds the hardened JWT decoder: Spring Security's defaults kept (type, timestamps,
 * x5t) and added to: exactly one issuer, a required audience, required {@code exp},
 * {@code iat} and {@code sub}, a configurable clock skew, an allow-list of asymmetric
 * algorithms, and the keys from a {@link CachingJwkSource}.
 */
public final class EdgeJwtDecoders {

	private EdgeJwtDecoders() {
	}

	/** The decoder and its key source (exposed for warm-up and tests). */
	public record Decoder(ReactiveJwtDecoder decoder, CachingJwkSource keys) {
	}

	public static Decoder create(EdgeSecurityProperties.Jwt settings, WebClient webClient, Clock clock) {
		CachingJwkSource keys = new CachingJwkSource(webClient, jwkSetUri(settings, webClient),
				settings.jwksRefreshFloor(), settings.jwksMaxAge(), settings.jwksTimeout(), clock);
		Set<JWSAlgorithm> algorithms = settings.algorithms()
			.stream()
			.map(JWSAlgorithm::parse)
			.collect(Collectors.toSet());
		NimbusReactiveJwtDecoder decoder = NimbusReactiveJwtDecoder.withJwkSource(keys)
			.jwtProcessorCustomizer((processor) -> processor.setJWSKeySelector(
					new JWSVerificationKeySelector<JWKSecurityContext>(algorithms, new JWKSecurityContextJWKSet())))
			.build();
		decoder.setJwtValidator(validator(settings, clock));
		// Verified tokens are remembered for at most 5 minutes (expiry re-checked per
		// hit).
		return new Decoder(new VerifiedTokenCache(decoder, 10_000, Duration.ofMinutes(5), settings.clockSkew(), clock),
				keys);
	}

	static OAuth2TokenValidator<Jwt> validator(EdgeSecurityProperties.Jwt settings, Clock clock) {
		JwtTimestampValidator timestamps = new JwtTimestampValidator(settings.clockSkew());
		timestamps.setClock(clock);
		timestamps.setAllowEmptyExpiryClaim(false);
		List<OAuth2TokenValidator<Jwt>> validators = new ArrayList<>();
		validators.add(timestamps);
		validators.add(new JwtIssuerValidator(settings.issuerUri().toString()));
		validators.add(audiences(settings.audiences()));
		validators.add(required(JwtClaimNames.SUB));
		return JwtValidators.createDefaultWithValidators(validators);
	}

	private static OAuth2TokenValidator<Jwt> audiences(List<String> audiences) {
		if (audiences.size() == 1) {
			return new JwtAudienceValidator(audiences.get(0));
		}
		return (jwt) -> audiences.stream()
			.map(JwtAudienceValidator::new)
			.map((validator) -> validator.validate(jwt))
			.filter((result) -> !result.hasErrors())
			.findFirst()
			.orElseGet(() -> new JwtAudienceValidator(audiences.get(0)).validate(jwt));
	}

	private static OAuth2TokenValidator<Jwt> required(String claim) {
		return new org.springframework.security.oauth2.jwt.JwtClaimValidator<Object>(claim,
				(value) -> value != null && !value.toString().isBlank());
	}

	private static Mono<URI> jwkSetUri(EdgeSecurityProperties.Jwt settings, WebClient webClient) {
		if (settings.jwkSetUri() != null) {
			return Mono.just(settings.jwkSetUri());
		}
		String issuer = settings.issuerUri().toString().replaceAll("/+$", "");
		// Discovered on first use (not at start-up), then remembered; a failure is
		// retried later.
		return webClient.get()
			.uri(issuer + "/.well-known/openid-configuration")
			.retrieve()
			.bodyToMono(new ParameterizedTypeReference<Map<String, Object>>() {
			})
			.timeout(settings.jwksTimeout())
			.flatMap((config) -> verifiedJwksUri(config, settings.issuerUri().toString()))
			.cache((uri) -> java.time.Duration.ofDays(3650), (ex) -> java.time.Duration.ZERO,
					() -> java.time.Duration.ZERO);
	}

	private static Mono<URI> verifiedJwksUri(Map<String, Object> config, String issuer) {
		Object discoveredIssuer = config.get("issuer");
		Object jwksUri = config.get("jwks_uri");
		if (!issuer.equals(discoveredIssuer) || !(jwksUri instanceof String uri)) {
			return Mono.error(new IllegalStateException("discovery document does not match the configured issuer"));
		}
		return Mono.just(URI.create(uri));
	}

}
