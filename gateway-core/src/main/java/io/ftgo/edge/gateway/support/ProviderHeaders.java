package io.ftgo.edge.gateway.support;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import org.springframework.http.HttpHeaders;
import org.springframework.security.core.Authentication;
import org.springframework.web.server.ServerWebExchange;

import io.ftgo.edge.gateway.filter.TraceContext;
import io.ftgo.edge.security.EdgePrincipal;
import io.ftgo.edge.security.IdentityPropagation;

/**
 * The one place where the headers a provider receives are built, for proxied calls
 * ({@code ProviderRequestHeadersFilter}) and composed calls (composed endpoints,
 * GraphQL): inbound copies of the identity headers the edge manages are removed, the
 * caller's identity is set from the principal resolved once per request
 * ({@link PrincipalResolver}), and {@code traceparent} carries the request's trace
 * context.
 */
public final class ProviderHeaders {

	private final IdentityPropagation propagation;

	private final Set<String> managedHeaders;

	/**
	 * @param propagation identity propagation, or null when the application has no edge
	 * security
	 */
	public ProviderHeaders(IdentityPropagation propagation) {
		this.propagation = propagation;
		this.managedHeaders = (propagation != null) ? propagation.managedHeaders() : Set.of();
	}

	/**
	 * Rewrites {@code target}, the headers of a request to a provider, for the caller.
	 * @param exchange the inbound exchange
	 * @param authentication the caller, or null when unauthenticated
	 * @param target modified in place
	 */
	public void write(ServerWebExchange exchange, Authentication authentication, HttpHeaders target) {
		if (this.propagation != null) {
			EdgePrincipal principal = PrincipalResolver.principal(exchange, authentication);
			this.propagation.apply(authentication, principal, target);
		}
		else {
			this.managedHeaders.forEach(target::remove);
		}
		TraceContext trace = exchange.getAttribute(TraceContext.TRACE_CONTEXT_ATTR);
		if (trace != null) {
			target.set(TraceContext.TRACEPARENT, trace.traceparent());
		}
	}

	/**
	 * The headers of a composed call (one value per name, comma-joined).
	 * @param exchange the inbound exchange
	 * @param authentication the caller, or null when unauthenticated
	 */
	public Map<String, String> forComposedCall(ServerWebExchange exchange, Authentication authentication) {
		HttpHeaders outbound = new HttpHeaders();
		write(exchange, authentication, outbound);
		Map<String, String> headers = new LinkedHashMap<>();
		outbound.forEach((name, values) -> headers.put(name, String.join(",", values)));
		return headers;
	}

}
