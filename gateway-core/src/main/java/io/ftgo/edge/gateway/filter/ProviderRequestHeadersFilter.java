package io.ftgo.edge.gateway.filter;

import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.security.core.Authentication;
import org.springframework.web.server.ServerWebExchange;

import io.ftgo.edge.gateway.support.EdgeAttributes;
import io.ftgo.edge.gateway.support.ProviderHeaders;

/**
 * What a proxied provider receives, written once into the header copy Spring Cloud
 * Gateway makes for the outbound request, by the shared {@link ProviderHeaders} (the same
 * builder composed calls use). Ordered after Spring Cloud Gateway's hop-by-hop filter,
 * which already returns a fresh copy, so it costs no copy of its own.
 */
public class ProviderRequestHeadersFilter implements HttpHeadersFilter, Ordered {

	/**
	 * The caller's {@link Authentication}, set by
	 * {@link CaptureAuthenticationGlobalFilter}.
	 */
	public static final String AUTHENTICATION_ATTR = EdgeAttributes.AUTHENTICATION_ATTR;

	private final ProviderHeaders headers;

	public ProviderRequestHeadersFilter(ProviderHeaders headers) {
		this.headers = headers;
	}

	/**
	 * Last, after {@code RemoveHopByHopHeadersFilter}: nothing can add the headers back.
	 */
	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE;
	}

	@Override
	public boolean supports(Type type) {
		return type == Type.REQUEST;
	}

	@Override
	public HttpHeaders filter(HttpHeaders input, ServerWebExchange exchange) {
		if (input != exchange.getRequest().getHeaders()) {
			try {
				apply(input, exchange);
				return input;
			}
			catch (UnsupportedOperationException readOnly) {
				// An earlier filter returned a read-only view: fall through to a copy.
			}
		}
		HttpHeaders copy = new HttpHeaders();
		copy.putAll(input);
		apply(copy, exchange);
		return copy;
	}

	private void apply(HttpHeaders target, ServerWebExchange exchange) {
		this.headers.write(exchange, exchange.getAttribute(AUTHENTICATION_ATTR), target);
	}

}
