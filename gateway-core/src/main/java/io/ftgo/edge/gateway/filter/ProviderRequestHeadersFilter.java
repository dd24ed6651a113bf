package io.ftgo.edge.gateway.filter;

import java.util.Set;

import io.ftgo.edge.security.IdentityPropagation;

import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.security.core.Authentication;
import org.springframework.web.server.ServerWebExchange;

/**
 * What a proxied provider receives, written once into the header copy Spring Cloud
 * Gateway makes for the outbound request: inbound copies of the identity headers the edge
 * manages are dropped, the caller's identity is set from the authenticated principal
 * ({@link IdentityPropagation}), and {@code traceparent} carries the edge's trace
 * context.
 * <p>
 * Earlier this was a gateway filter that rebuilt the request (and so copied every header)
 * twice per request; as a headers filter ordered after Spring Cloud Gateway's hop-by-hop
 * filter, which already returns a fresh copy, it costs no copy at all.
 */
public class ProviderRequestHeadersFilter implements HttpHeadersFilter, Ordered {

	/**
	 * The caller's {@link Authentication}, set by
	 * {@link CaptureAuthenticationGlobalFilter}.
	 */
	public static final String AUTHENTICATION_ATTR = "io.ftgo.edge.authentication";

	private final IdentityPropagation propagation;

	private final Set<String> managedHeaders;

	/**
	 * @param propagation identity propagation, or null when the application has no edge
	 * security
	 */
	public ProviderRequestHeadersFilter(IdentityPropagation propagation) {
		this.propagation = propagation;
		this.managedHeaders = (propagation != null) ? propagation.managedHeaders() : Set.of();
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
		if (this.propagation != null) {
			this.propagation.apply(exchange.getAttribute(AUTHENTICATION_ATTR), target);
		}
		else {
			this.managedHeaders.forEach(target::remove);
		}
		TraceContext trace = exchange.getAttribute(TraceContext.TRACE_CONTEXT_ATTR);
		if (trace != null) {
			target.set(TraceContext.TRACEPARENT, trace.traceparent());
		}
	}

}
