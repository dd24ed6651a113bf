package io.ftgo.edge.security.web;

import reactor.core.publisher.Mono;

import org.springframework.http.HttpHeaders;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.server.resource.BearerTokenErrors;
import org.springframework.security.oauth2.server.resource.web.server.authentication.ServerBearerTokenAuthenticationConverter;
import org.springframework.security.web.server.authentication.ServerAuthenticationConverter;
import org.springframework.web.server.ServerWebExchange;

/**
 * Resolves bearer tokens from the {@code Authorization} header only (never query or
 * body), and rejects a token larger than the configured size before anything parses it.
 */
public final class BoundedBearerTokenConverter implements ServerAuthenticationConverter {

	private final ServerBearerTokenAuthenticationConverter delegate = new ServerBearerTokenAuthenticationConverter();

	private final int maxTokenBytes;

	public BoundedBearerTokenConverter(int maxTokenBytes) {
		this.maxTokenBytes = maxTokenBytes;
	}

	@Override
	public Mono<Authentication> convert(ServerWebExchange exchange) {
		String authorization = exchange.getRequest().getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
		// "Bearer " plus the token: the header length bounds the token length.
		if (authorization != null && authorization.length() > this.maxTokenBytes + 7) {
			return Mono.error(
					new OAuth2AuthenticationException(BearerTokenErrors.invalidToken("The access token is too large")));
		}
		return Mono.defer(() -> this.delegate.convert(exchange));
	}

}
