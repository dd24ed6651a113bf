package io.ftgo.edge.gateway.filter;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.filter.NettyWriteResponseFilter;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import org.springframework.web.server.ServerWebExchange;

import io.ftgo.edge.gateway.support.NativeHeaders;
import io.ftgo.edge.security.web.Problems;

/**
 * A provider's error answer never reaches a client as it came: its body (which may carry
 * a stack trace, a class name, a host, or just the provider's own wording) and its own
 * headers are dropped, and the client gets the edge's problem+json. A 5xx becomes 502, as
 * any other upstream failure; a 4xx keeps its status with the edge's fixed detail for
 * that status. A route may opt in to forward the problem+json bodies its provider sends
 * for 4xx answers (route metadata {@code forward-problem-details: true}); anything else
 * in a 4xx body is still dropped. Headers the edge set before routing (rate limit, CORS,
 * trace) are kept.
 */
public class UpstreamErrorGlobalFilter implements GlobalFilter, Ordered {

	/** Route metadata key: forward provider problem+json bodies of 4xx answers. */
	public static final String FORWARD_PROBLEM_DETAILS = "forward-problem-details";

	@Override
	public int getOrder() {
		// Wraps the response before NettyWriteResponseFilter writes the upstream body.
		return NettyWriteResponseFilter.WRITE_RESPONSE_FILTER_ORDER - 1;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
		ServerHttpResponse original = exchange.getResponse();
		List<String> edgeHeaders = headerNames(original);
		boolean forwardProblems = forwardsProblems(exchange);
		ServerHttpResponseDecorator sanitizing = new ServerHttpResponseDecorator(original) {

			@Override
			public Mono<Void> writeWith(Publisher<? extends DataBuffer> body) {
				HttpStatusCode status = getStatusCode();
				if (status == null || !(status.is4xxClientError() || status.is5xxServerError())) {
					return super.writeWith(body);
				}
				HttpHeaders headers = getHeaders();
				if (status.is4xxClientError() && forwardProblems && isProblem(headers.getContentType())) {
					keepOnly(headers, edgeHeaders, true);
					return super.writeWith(body);
				}
				ProblemDetail problem = Problems.forStatus(status.is5xxServerError() ? HttpStatus.BAD_GATEWAY : status);
				keepOnly(headers, edgeHeaders, false);
				return Flux.from(body)
					.doOnNext(DataBufferUtils::release)
					.then(Mono.defer(() -> Problems.write(exchange.mutate().response(getDelegate()).build(), problem)));
			}

			@Override
			public Mono<Void> writeAndFlushWith(Publisher<? extends Publisher<? extends DataBuffer>> body) {
				return writeWith(Flux.from(body).flatMapSequential((chunk) -> chunk));
			}

		};
		return chain.filter(exchange.mutate().response(sanitizing).build());
	}

	/**
	 * The names of the headers set so far (Reactor Netty's response read without Spring's
	 * copy of its names; lower-cased only if an error answer needs them).
	 */
	private static List<String> headerNames(ServerHttpResponse response) {
		io.netty.handler.codec.http.HttpHeaders nativeHeaders = NativeHeaders.of(response);
		if (nativeHeaders == null) {
			return new ArrayList<>(response.getHeaders().headerNames());
		}
		if (nativeHeaders.isEmpty()) {
			return List.of();
		}
		List<String> names = new ArrayList<>(8);
		Iterator<Map.Entry<CharSequence, CharSequence>> entries = nativeHeaders.iteratorCharSequence();
		while (entries.hasNext()) {
			names.add(entries.next().getKey().toString());
		}
		return names;
	}

	private static boolean forwardsProblems(ServerWebExchange exchange) {
		Route route = exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR);
		Object flag = (route != null) ? route.getMetadata().get(FORWARD_PROBLEM_DETAILS) : null;
		return flag != null && Boolean.parseBoolean(flag.toString());
	}

	private static boolean isProblem(MediaType type) {
		return type != null && MediaType.APPLICATION_PROBLEM_JSON.isCompatibleWith(type);
	}

	/**
	 * Drops the provider's headers: only those the edge set before routing stay (and, for
	 * a forwarded problem body, the ones that describe it).
	 */
	private static void keepOnly(HttpHeaders headers, List<String> edgeHeaderNames, boolean keepBodyHeaders) {
		Set<String> edgeHeaders = new HashSet<>();
		edgeHeaderNames.forEach((name) -> edgeHeaders.add(name.toLowerCase(Locale.ROOT)));
		List<String> remove = new ArrayList<>();
		for (String name : headers.headerNames()) {
			String lower = name.toLowerCase(Locale.ROOT);
			boolean bodyHeader = lower.equals("content-type") || lower.equals("content-length")
					|| lower.equals("transfer-encoding") || lower.equals("content-language");
			if (!edgeHeaders.contains(lower) && !(keepBodyHeaders && bodyHeader)) {
				remove.add(name);
			}
		}
		remove.forEach(headers::remove);
	}

}
