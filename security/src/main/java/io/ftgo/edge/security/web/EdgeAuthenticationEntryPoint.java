package io.ftgo.edge.security.web;

import java.util.Locale;

import reactor.core.publisher.Mono;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.server.resource.BearerTokenError;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;
import org.springframework.security.web.server.ServerAuthenticationEntryPoint;
import org.springframework.web.server.ServerWebExchange;

import io.ftgo.edge.security.apikey.ApiKeyAuthenticationException;

/**
 * 401 answers: problem+json, and {@code WWW-Authenticate} as RFC 6750 section 3 says: no
 * error code when no credentials came, {@code invalid_token} or {@code invalid_request}
 * when they were bad. The problem's {@code code} is that error code, {@code unauthorized}
 * when no credentials came, or {@code invalid_api_key}. The description is one of a few
 * fixed sentences, never the parser's own message (which can name hosts or internals).
 */
public final class EdgeAuthenticationEntryPoint implements ServerAuthenticationEntryPoint {

	private final String realm;

	private final String apiKeyHeader;

	/**
	 * @param realm the realm in challenges
	 * @param apiKeyHeader the API key header, to advertise an {@code ApiKey} challenge;
	 * null when API keys are not accepted
	 */
	public EdgeAuthenticationEntryPoint(String realm, String apiKeyHeader) {
		this.realm = realm;
		this.apiKeyHeader = apiKeyHeader;
	}

	@Override
	public Mono<Void> commence(ServerWebExchange exchange, AuthenticationException ex) {
		return Mono.defer(() -> {
			Failure failure = classify(ex);
			HttpHeaders headers = exchange.getResponse().getHeaders();
			StringBuilder bearer = new StringBuilder("Bearer realm=\"").append(this.realm).append('"');
			if (failure.code() != null && !failure.apiKey()) {
				bearer.append(", error=\"")
					.append(failure.code())
					.append("\", error_description=\"")
					.append(failure.description())
					.append('"');
			}
			headers.add(HttpHeaders.WWW_AUTHENTICATE, bearer.toString());
			if (this.apiKeyHeader != null) {
				headers.add(HttpHeaders.WWW_AUTHENTICATE,
						"ApiKey realm=\"" + this.realm + "\", header=\"" + this.apiKeyHeader + "\"");
			}
			return Problems.write(exchange, HttpStatus.UNAUTHORIZED, failure.description(), failure.problemCode());
		});
	}

	/**
	 * @param code the RFC 6750 error code of the challenge; null when no credentials came
	 * @param description a fixed, client-safe sentence
	 * @param apiKey whether an API key failed (no bearer error in the challenge)
	 */
	private record Failure(String code, String description, boolean apiKey) {

		/**
		 * The problem's {@code code}: the challenge's error code, else the catalogue's
		 * code for 401 ({@code unauthorized}), so that every problem carries one.
		 */
		String problemCode() {
			return (this.code != null) ? this.code : Problems.code(Problems.forStatus(HttpStatus.UNAUTHORIZED));
		}

	}

	static Failure classify(AuthenticationException ex) {
		if (ex instanceof ApiKeyAuthenticationException apiKey) {
			return new Failure("invalid_api_key", apiKey.getMessage(), true);
		}
		if (ex instanceof OAuth2AuthenticationException oauth) {
			String code = oauth.getError().getErrorCode();
			String text = messages(oauth);
			if (oauth.getError() instanceof BearerTokenError bearer && "invalid_request".equals(code)) {
				return new Failure(code, "The request carries more than one token, or an empty one", false);
			}
			if (text.contains("too large")) {
				return new Failure("invalid_token", "The access token is too large", false);
			}
			if (ex instanceof InvalidBearerTokenException || "invalid_token".equals(code)) {
				return new Failure("invalid_token", describe(text), false);
			}
		}
		return new Failure(null,
				"Authentication is required: send a bearer token" + " (Authorization: Bearer ...) or an API key",
				false);
	}

	/**
	 * The error description and every cause's message, lower case, for classification
	 * only.
	 */
	private static String messages(OAuth2AuthenticationException ex) {
		StringBuilder text = new StringBuilder(String.valueOf(ex.getError().getDescription()));
		for (Throwable cause = ex.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
			text.append(' ').append(cause.getMessage());
		}
		return text.toString().toLowerCase(Locale.ROOT);
	}

	private static String describe(String text) {
		if (text.contains("expired")) {
			return "The access token expired";
		}
		if (text.contains("used before") || text.contains("not before") || text.contains("nbf")) {
			return "The access token is not valid yet";
		}
		if (text.contains("iss claim")) {
			return "The access token has the wrong issuer";
		}
		if (text.contains("aud claim")) {
			return "The access token is not meant for this API (audience)";
		}
		if (text.contains("malformed") || text.contains("invalid serialized") || text.contains("parse")) {
			return "The access token is malformed";
		}
		if (text.contains("algorithm") || text.contains("signature") || text.contains("key")) {
			return "The access token signature cannot be verified";
		}
		return "The access token is invalid";
	}

}
