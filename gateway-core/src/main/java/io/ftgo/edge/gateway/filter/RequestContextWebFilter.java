package io.ftgo.edge.gateway.filter;

import reactor.core.publisher.Mono;

import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilterChain;

import io.ftgo.edge.gateway.pipeline.EdgeChainLink;
import io.ftgo.edge.gateway.pipeline.EdgeLinkType;
import io.ftgo.edge.gateway.support.ClientAddressResolver;
import io.ftgo.edge.gateway.support.EdgeAttributes;

/**
 * The request's context, as exchange attributes read by the rest of the chain: the W3C
 * trace context ({@link TraceContext#TRACE_CONTEXT_ATTR}: the server span of the request
 * when Micrometer Tracing is on, which continued an inbound {@code traceparent}; else
 * continued from the header or started) and the client address
 * ({@link EdgeAttributes#CLIENT_ADDRESS_ATTR}, from trusted proxies' forwarding headers
 * or the peer).
 */
public class RequestContextWebFilter implements EdgeChainLink {

	private final ClientAddressResolver clientAddresses;

	public RequestContextWebFilter(ClientAddressResolver clientAddresses) {
		this.clientAddresses = clientAddresses;
	}

	@Override
	public EdgeLinkType linkType() {
		return EdgeLinkType.REQUEST_CONTEXT;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		TraceContext trace = TraceContext.of(exchange);
		exchange.getAttributes().put(TraceContext.TRACE_CONTEXT_ATTR, trace);
		exchange.getAttributes().put(EdgeAttributes.CLIENT_ADDRESS_ATTR, this.clientAddresses.resolve(exchange));
		return chain.filter(exchange);
	}

}
