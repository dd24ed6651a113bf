package io.ftgo.edge.gateway.filter;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

import io.ftgo.edge.gateway.config.EdgeGatewayProperties;
import io.ftgo.edge.gateway.error.EdgeErrorWebExceptionHandler;
import io.ftgo.edge.gateway.support.ClientAddressResolver;
import io.ftgo.edge.gateway.support.EdgeAttributes;
import io.ftgo.edge.gateway.support.EdgeFilterOrder;
import io.ftgo.edge.gateway.support.ReservedHeaders;
import io.ftgo.edge.security.web.Problems;

/**
 * The first link of the edge chain, before authentication: request limits (URI length →
 * 414, header size → 431, body size → 413, as problem+json), removal of every inbound
 * header of the reserved identity namespace ({@link ReservedHeaders}; forwarding headers
 * are kept from trusted proxies) and of the identity headers the edge sets for providers,
 * removal of provider-identifying headers from every answer, W3C trace context, the
 * client address, and one structured access-log line per request (logger
 * {@code io.ftgo.edge.access}).
 */
public class EdgeHygieneWebFilter implements WebFilter, Ordered {

	private static final Log accessLog = LogFactory.getLog("io.ftgo.edge.access");

	private final EdgeGatewayProperties.Limits limits;

	private final Set<String> identityHeaders;

	private final ClientAddressResolver clientAddresses;

	private final ReservedHeaders reserved;

	private final ReservedHeaders strippedFromAnswers;

	/**
	 * @param limits request size limits
	 * @param identityHeaders the propagation headers the edge sets itself
	 * @param reserved the reserved identity namespace
	 * @param strippedFromAnswers names and prefixes ({@code *}) removed from every answer
	 * @param clientAddresses resolves the client address (and which peers are trusted)
	 */
	public EdgeHygieneWebFilter(EdgeGatewayProperties.Limits limits, Set<String> identityHeaders,
			ReservedHeaders reserved, List<String> strippedFromAnswers, ClientAddressResolver clientAddresses) {
		this.limits = limits;
		this.identityHeaders = identityHeaders;
		this.reserved = reserved;
		this.strippedFromAnswers = ReservedHeaders.exactly(strippedFromAnswers);
		this.clientAddresses = clientAddresses;
	}

	@Override
	public int getOrder() {
		return EdgeFilterOrder.HYGIENE;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		long start = System.nanoTime();
		ServerHttpRequest request = exchange.getRequest();
		TraceContext trace = TraceContext.continueOrStart(request.getHeaders().getFirst(TraceContext.TRACEPARENT));
		exchange.getAttributes().put(TraceContext.TRACE_CONTEXT_ATTR, trace);
		exchange.getAttributes().put(EdgeAttributes.CLIENT_ADDRESS_ATTR, this.clientAddresses.resolve(exchange));
		exchange.getResponse().beforeCommit(() -> {
			stripAnswerHeaders(exchange.getResponse().getHeaders());
			return Mono.empty();
		});
		HttpStatus rejected = checkLimits(request);
		if (rejected != null) {
			return problem(exchange, rejected).doFinally((signal) -> log(exchange, trace, start, signal.toString()));
		}
		// The request is rebuilt (every header copied) only when it must change: the
		// trace context travels as an attribute and reaches providers through
		// ProviderRequestHeadersFilter and the composition client.
		ServerHttpRequest filtered = request;
		List<String> remove = headersToRemove(request);
		if (!remove.isEmpty()) {
			filtered = request.mutate().headers((headers) -> remove.forEach(headers::remove)).build();
		}
		if (mayStreamBody(request)) {
			filtered = limitBody(filtered, this.limits.maxBodySize().toBytes());
		}
		ServerWebExchange next = (filtered != request) ? exchange.mutate().request(filtered).build() : exchange;
		return chain.filter(next).doFinally((signal) -> log(exchange, trace, start, signal.toString()));
	}

	/**
	 * The inbound headers no client may send: the reserved namespace (forwarding headers
	 * kept from a trusted proxy) and the identity headers the edge sets itself.
	 */
	private List<String> headersToRemove(ServerHttpRequest request) {
		List<String> remove = null;
		Boolean trustedPeer = null;
		for (String name : request.getHeaders().headerNames()) {
			boolean drop = this.reserved.matches(name) || containsIgnoringCase(this.identityHeaders, name);
			if (drop && ReservedHeaders.isForwarding(name)) {
				if (trustedPeer == null) {
					InetSocketAddress remote = request.getRemoteAddress();
					trustedPeer = remote != null && remote.getAddress() != null
							&& this.clientAddresses.isTrusted(remote.getAddress());
				}
				drop = !trustedPeer;
			}
			if (drop) {
				if (remove == null) {
					remove = new ArrayList<>(4);
				}
				remove.add(name);
			}
		}
		return (remove != null) ? remove : List.of();
	}

	private static boolean containsIgnoringCase(Set<String> names, String name) {
		for (String candidate : names) {
			if (candidate.equalsIgnoreCase(name)) {
				return true;
			}
		}
		return false;
	}

	private void stripAnswerHeaders(HttpHeaders headers) {
		List<String> remove = null;
		for (String name : headers.headerNames()) {
			if (this.strippedFromAnswers.matches(name)) {
				if (remove == null) {
					remove = new ArrayList<>(4);
				}
				remove.add(name);
			}
		}
		if (remove != null) {
			remove.forEach(headers::remove);
		}
	}

	/**
	 * A body without Content-Length: chunked, or (HTTP/1.1 aside) any method but the
	 * body-less GET and HEAD.
	 */
	private static boolean mayStreamBody(ServerHttpRequest request) {
		HttpHeaders headers = request.getHeaders();
		if (headers.getContentLength() >= 0) {
			return false;
		}
		HttpMethod method = request.getMethod();
		return headers.containsHeader(HttpHeaders.TRANSFER_ENCODING)
				|| !(HttpMethod.GET.equals(method) || HttpMethod.HEAD.equals(method));
	}

	private HttpStatus checkLimits(ServerHttpRequest request) {
		String rawPath = request.getURI().getRawPath();
		String rawQuery = request.getURI().getRawQuery();
		int uriLength = ((rawPath != null) ? rawPath.length() : 0) + ((rawQuery != null) ? rawQuery.length() + 1 : 0);
		if (uriLength > this.limits.maxUriLength()) {
			return HttpStatus.URI_TOO_LONG;
		}
		long headerBytes = 0;
		for (Map.Entry<String, List<String>> header : request.getHeaders().headerSet()) {
			for (String value : header.getValue()) {
				headerBytes += header.getKey().length() + value.length() + 4;
			}
		}
		if (headerBytes > this.limits.maxHeaderSize().toBytes()) {
			return HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE;
		}
		if (request.getHeaders().getContentLength() > this.limits.maxBodySize().toBytes()) {
			return HttpStatus.PAYLOAD_TOO_LARGE;
		}
		return null;
	}

	private static Mono<Void> problem(ServerWebExchange exchange, HttpStatus status) {
		EdgeErrorWebExceptionHandler.Problem problem = EdgeErrorWebExceptionHandler.forStatus(status);
		exchange.getResponse().getHeaders().setConnection("close");
		return Problems.write(exchange, problem.status(), problem.detail(), problem.code());
	}

	/**
	 * A body without Content-Length is counted as it streams; past the limit it fails
	 * with 413.
	 */
	private static ServerHttpRequest limitBody(ServerHttpRequest request, long maxBytes) {
		return new ServerHttpRequestDecorator(request) {
			@Override
			public Flux<DataBuffer> getBody() {
				AtomicLong seen = new AtomicLong();
				return super.getBody().handle((buffer, sink) -> {
					if (seen.addAndGet(buffer.readableByteCount()) > maxBytes) {
						DataBufferUtils.release(buffer);
						sink.error(new ResponseStatusException(HttpStatus.PAYLOAD_TOO_LARGE));
					}
					else {
						sink.next(buffer);
					}
				});
			}
		};
	}

	private void log(ServerWebExchange exchange, TraceContext trace, long start, String signal) {
		if (!accessLog.isInfoEnabled()) {
			return;
		}
		ServerHttpRequest request = exchange.getRequest();
		Object principal = exchange.getAttribute(EdgeAttributes.PRINCIPAL_ATTR);
		StringBuilder line = new StringBuilder(256).append('{');
		field(line, "method", request.getMethod().name());
		field(line, "path", request.getPath().value());
		line.append(",\"status\":")
			.append((exchange.getResponse().getStatusCode() != null) ? exchange.getResponse().getStatusCode().value()
					: 0);
		line.append(",\"duration_ms\":").append((System.nanoTime() - start) / 1_000_000);
		field(line, "client", exchange.getAttribute(EdgeAttributes.CLIENT_ADDRESS_ATTR));
		field(line, "principal", (principal instanceof io.ftgo.edge.security.EdgePrincipal p) ? p.id() : null);
		field(line, "route", routeId(exchange));
		field(line, "cache", exchange.getAttribute(EdgeAttributes.CACHE_ATTR));
		field(line, "rate_limit", exchange.getAttribute(EdgeAttributes.RATE_LIMIT_ATTR));
		field(line, "trace_id", trace.traceId());
		if (!"onComplete".equals(signal)) {
			field(line, "signal", signal);
		}
		accessLog.info(line.append('}').toString());
	}

	private static String routeId(ServerWebExchange exchange) {
		Object route = exchange
			.getAttribute("org.springframework.cloud.gateway.support.ServerWebExchangeUtils.gatewayRoute");
		if (route instanceof org.springframework.cloud.gateway.route.Route r) {
			return r.getId();
		}
		Object composition = exchange.getAttribute("io.ftgo.edge.composition");
		return (composition != null) ? composition.toString() : null;
	}

	private static void field(StringBuilder line, String name, Object value) {
		if (value == null) {
			return;
		}
		if (line.length() > 1) {
			line.append(',');
		}
		line.append('"').append(name).append("\":\"");
		String text = value.toString();
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (c == '"' || c == '\\') {
				line.append('\\').append(c);
			}
			else if (c >= 0x20) {
				line.append(c);
			}
		}
		line.append('"');
	}

}
