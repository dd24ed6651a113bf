package io.ftgo.edge.gateway.session;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Map;

import reactor.core.publisher.Mono;

import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * The BFF's side of OpenID Connect, as a confidential client: discovery (cached), the
 * code exchange with PKCE, refresh, revocation (RFC 7009), and verification of ID tokens
 * and back-channel logout tokens against the issuer's keys. Non-blocking throughout.
 */
final class OidcClient {

	static final String BACKCHANNEL_EVENT = "http://schemas.openid.net/event/backchannel-logout";

	private static final ParameterizedTypeReference<Map<String, Object>> MAP = new ParameterizedTypeReference<>() {
	};

	/** What discovery tells. */
	record Endpoints(String authorization, String token, String revocation, String endSession, String jwks) {
	}

	/** A token endpoint answer. */
	record Tokens(String accessToken, Instant accessTokenExpiresAt, String refreshToken, String idToken) {
	}

	/** The identity provider refused (a 4xx from the token endpoint). */
	static final class RefusedException extends RuntimeException {

		RefusedException(String message) {
			super(message, null, false, false);
		}

	}

	private final String issuer;

	private final String clientId;

	private final String clientSecret;

	private final WebClient web;

	private final Clock clock;

	private final Mono<Endpoints> endpoints;

	private final Mono<ReactiveJwtDecoder> idTokens;

	OidcClient(URI issuer, String clientId, String clientSecret, WebClient web, Clock clock) {
		this.issuer = issuer.toString();
		this.clientId = clientId;
		this.clientSecret = clientSecret;
		this.web = web;
		this.clock = clock;
		String base = this.issuer.endsWith("/") ? this.issuer.substring(0, this.issuer.length() - 1) : this.issuer;
		this.endpoints = web.get()
			.uri(base + "/.well-known/openid-configuration")
			.retrieve()
			.bodyToMono(MAP)
			.timeout(Duration.ofSeconds(5))
			.map((doc) -> new Endpoints(text(doc, "authorization_endpoint"), text(doc, "token_endpoint"),
					(String) doc.get("revocation_endpoint"), (String) doc.get("end_session_endpoint"),
					text(doc, "jwks_uri")))
			.cache((ok) -> Duration.ofHours(1), (ex) -> Duration.ZERO, () -> Duration.ZERO);
		this.idTokens = this.endpoints.map((ep) -> {
			NimbusReactiveJwtDecoder decoder = NimbusReactiveJwtDecoder.withJwkSetUri(ep.jwks()).webClient(web).build();
			decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(new JwtTimestampValidator(),
					new JwtIssuerValidator(this.issuer), audienceIs(clientId)));
			return (ReactiveJwtDecoder) decoder;
		}).cache((ok) -> Duration.ofHours(1), (ex) -> Duration.ZERO, () -> Duration.ZERO);
	}

	String clientId() {
		return this.clientId;
	}

	Mono<Endpoints> endpoints() {
		return this.endpoints;
	}

	Mono<Tokens> exchangeCode(String code, String redirectUri, String verifier) {
		MultiValueMap<String, String> form = new LinkedMultiValueMap<>();
		form.add("grant_type", "authorization_code");
		form.add("code", code);
		form.add("redirect_uri", redirectUri);
		form.add("code_verifier", verifier);
		return tokenRequest(form, null);
	}

	Mono<Tokens> refresh(String refreshToken) {
		MultiValueMap<String, String> form = new LinkedMultiValueMap<>();
		form.add("grant_type", "refresh_token");
		form.add("refresh_token", refreshToken);
		return tokenRequest(form, refreshToken);
	}

	/** Revokes a refresh token; completes empty when the provider has no revocation. */
	Mono<Void> revoke(String refreshToken) {
		return this.endpoints.flatMap((ep) -> {
			if (ep.revocation() == null) {
				return Mono.empty();
			}
			MultiValueMap<String, String> form = new LinkedMultiValueMap<>();
			form.add("token", refreshToken);
			form.add("token_type_hint", "refresh_token");
			return this.web.post()
				.uri(ep.revocation())
				.headers((h) -> h.setBasicAuth(this.clientId, this.clientSecret))
				.contentType(MediaType.APPLICATION_FORM_URLENCODED)
				.body(BodyInserters.fromFormData(form))
				.retrieve()
				.toBodilessEntity()
				.timeout(Duration.ofSeconds(5))
				.then();
		});
	}

	/** A verified ID token of this client whose nonce is the expected one. */
	Mono<Jwt> verifyIdToken(String idToken, String nonce) {
		return this.idTokens.flatMap((decoder) -> decoder.decode(idToken)).flatMap((jwt) -> {
			if (nonce == null || !nonce.equals(jwt.getClaimAsString("nonce"))) {
				return Mono.error(new RefusedException("ID token nonce mismatch"));
			}
			return Mono.just(jwt);
		});
	}

	/**
	 * A verified back-channel logout token (OpenID Connect Back-Channel Logout 1.0,
	 * section 2.6): signed by the issuer, for this client, with the logout event and a
	 * {@code sid}, without a nonce.
	 */
	Mono<Jwt> verifyLogoutToken(String logoutToken) {
		return this.idTokens.flatMap((decoder) -> decoder.decode(logoutToken)).flatMap((jwt) -> {
			Object events = jwt.getClaims().get("events");
			boolean event = events instanceof Map<?, ?> map && map.containsKey(BACKCHANNEL_EVENT);
			if (!event || jwt.getClaimAsString("sid") == null || jwt.hasClaim("nonce")) {
				return Mono.error(new RefusedException("not a back-channel logout token"));
			}
			return Mono.just(jwt);
		});
	}

	private Mono<Tokens> tokenRequest(MultiValueMap<String, String> form, String previousRefreshToken) {
		return this.endpoints.flatMap((ep) -> this.web.post()
			.uri(ep.token())
			.headers((h) -> h.setBasicAuth(this.clientId, this.clientSecret))
			.contentType(MediaType.APPLICATION_FORM_URLENCODED)
			.accept(MediaType.APPLICATION_JSON)
			.body(BodyInserters.fromFormData(form))
			.exchangeToMono((response) -> {
				if (response.statusCode().is4xxClientError()) {
					return response.releaseBody()
						.then(Mono.error(new RefusedException("token endpoint answered " + response.statusCode())));
				}
				if (!response.statusCode().is2xxSuccessful()) {
					return response.releaseBody()
						.then(Mono
							.error(new IllegalStateException("token endpoint answered " + response.statusCode())));
				}
				return response.bodyToMono(MAP);
			})
			.timeout(Duration.ofSeconds(5))
			.map((body) -> {
				Object expiresIn = body.get("expires_in");
				long seconds = (expiresIn instanceof Number n) ? n.longValue() : 300;
				String refresh = (String) body.get("refresh_token");
				return new Tokens(text(body, "access_token"), this.clock.instant().plusSeconds(seconds),
						(refresh != null) ? refresh : previousRefreshToken, (String) body.get("id_token"));
			}));
	}

	private static OAuth2TokenValidator<Jwt> audienceIs(String clientId) {
		OAuth2Error error = new OAuth2Error("invalid_token", "wrong audience", null);
		return (jwt) -> {
			Collection<String> audience = (jwt.getAudience() != null) ? jwt.getAudience() : new ArrayList<>();
			return audience.contains(clientId) ? OAuth2TokenValidatorResult.success()
					: OAuth2TokenValidatorResult.failure(error);
		};
	}

	private static String text(Map<String, Object> doc, String name) {
		Object value = doc.get(name);
		if (!(value instanceof String text) || text.isBlank()) {
			throw new IllegalStateException("discovery/token answer without " + name);
		}
		return text;
	}

}
