package io.ftgo.edge.gateway.filter;

import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.filter.NettyWriteResponseFilter;
import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import org.springframework.web.server.ServerWebExchange;

import io.ftgo.edge.gateway.error.EdgeErrorWebExceptionHandler;
import io.ftgo.edge.security.web.Problems;

/**
 * A provider's 5xx answer never reaches a client as it came: its body (which may carry a
 * stack trace, a class name or a host) is discarded and the client gets 502 problem+json,
 * as for any other upstream failure. 4xx answers pass through: they are the provider's
 * statement about the request.
 */
public class UpstreamErrorGlobalFilter implements GlobalFilter, Ordered {

	@Override
	public int getOrder() {
		// Wraps the response before NettyWriteResponseFilter writes the upstream body.
		return NettyWriteResponseFilter.WRITE_RESPONSE_FILTER_ORDER - 1;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
		ServerHttpResponse original = exchange.getResponse();
		ServerHttpResponseDecorator sanitizing = new ServerHttpResponseDecorator(original) {

			@Override
			public Mono<Void> writeWith(Publisher<? extends DataBuffer> body) {
				HttpStatusCode status = getStatusCode();
				if (status == null || !status.is5xxServerError()) {
					return super.writeWith(body);
				}
				EdgeErrorWebExceptionHandler.Problem problem = EdgeErrorWebExceptionHandler
					.forStatus(HttpStatus.BAD_GATEWAY);
				HttpHeaders headers = getHeaders();
				headers.clear();
				return Flux.from(body)
					.doOnNext(DataBufferUtils::release)
					.then(Mono.defer(() -> Problems.write(exchange.mutate().response(getDelegate()).build(),
							problem.status(), problem.detail(), problem.code())));
			}

			@Override
			public Mono<Void> writeAndFlushWith(Publisher<? extends Publisher<? extends DataBuffer>> body) {
				return writeWith(Flux.from(body).flatMapSequential((chunk) -> chunk));
			}

		};
		return chain.filter(exchange.mutate().response(sanitizing).build());
	}

}
