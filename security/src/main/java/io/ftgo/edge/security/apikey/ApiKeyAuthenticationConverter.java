package io.ftgo.edge.security.apikey;

import java.util.List;

import reactor.core.publisher.Mono;

import org.springframework.http.HttpHeaders;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.server.authentication.ServerAuthenticationConverter;
import org.springframework.web.server.ServerWebExchange;

/**
 * Reads the API key header. A request with more than one key, or with a key and a bearer
 * token, is refused rather than guessed at.
 */
public final class ApiKeyAuthenticationConverter implements ServerAuthenticationConverter {

	private final String header;

	public ApiKeyAuthenticationConverter(String header) {
		this.header = header;
	}

	/** The header this converter reads. */
	public String header() {
		return this.header;
	}

	@Override
	public Mono<Authentication> convert(ServerWebExchange exchange) {
		HttpHeaders headers = exchange.getRequest().getHeaders();
		List<String> keys = headers.get(this.header);
		if (keys == null || keys.isEmpty()) {
			return Mono.empty();
		}
		if (keys.size() > 1) {
			return Mono.error(new ApiKeyAuthenticationException("Send one API key, not several"));
		}
		if (headers.containsHeader(HttpHeaders.AUTHORIZATION)) {
			return Mono.error(new ApiKeyAuthenticationException("Send either an API key or a bearer token, not both"));
		}
		return Mono.just(ApiKeyAuthentication.unauthenticated(keys.get(0).trim()));
	}

}
