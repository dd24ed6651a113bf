package io.ftgo.edge.gateway.filter;

import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilterChain;

import io.ftgo.edge.gateway.pipeline.EdgeChainLink;
import io.ftgo.edge.gateway.pipeline.EdgeLinkType;
import io.ftgo.edge.gateway.config.EdgeLimitsProperties;
import io.ftgo.edge.gateway.support.NativeHeaders;
import io.ftgo.edge.security.web.Problems;

/**
 * Request limits, as problem+json: URI length → 414, header size → 431, declared body
 * size → 413; a body without {@code Content-Length} is counted as it streams and fails
 * with 413 past the limit. A rejected request's connection is closed.
 */
public class RequestLimitsWebFilter implements EdgeChainLink {

	private final EdgeLimitsProperties limits;

	public RequestLimitsWebFilter(EdgeLimitsProperties limits) {
		this.limits = limits;
	}

	@Override
	public EdgeLinkType linkType() {
		return EdgeLinkType.LIMITS;
	}

	@Override
	public Map<String, Object> settings(List<String> pathPatterns) {
		return Map.of("max-uri-length", this.limits.maxUriLength(), "max-header-size",
				this.limits.maxHeaderSize().toString(), "max-body-size", this.limits.maxBodySize().toString());
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		ServerHttpRequest request = exchange.getRequest();
		HttpStatus rejected = checkLimits(request);
		if (rejected != null) {
			exchange.getResponse().getHeaders().setConnection("close");
			return Problems.write(exchange, Problems.forStatus(rejected));
		}
		if (mayStreamBody(request)) {
			ServerHttpRequest limited = limitBody(request, this.limits.maxBodySize().toBytes());
			return chain.filter(exchange.mutate().request(limited).build());
		}
		return chain.filter(exchange);
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
		long headerBytes = headerBytes(request);
		if (headerBytes > this.limits.maxHeaderSize().toBytes()) {
			return HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE;
		}
		if (request.getHeaders().getContentLength() > this.limits.maxBodySize().toBytes()) {
			return HttpStatus.PAYLOAD_TOO_LARGE;
		}
		return null;
	}

	/**
	 * Name, value and separators of every header line (Reactor Netty's request read
	 * without Spring's copy of its header names).
	 */
	private static long headerBytes(ServerHttpRequest request) {
		long headerBytes = 0;
		io.netty.handler.codec.http.HttpHeaders nativeHeaders = NativeHeaders.of(request);
		if (nativeHeaders != null) {
			Iterator<Map.Entry<CharSequence, CharSequence>> lines = nativeHeaders.iteratorCharSequence();
			while (lines.hasNext()) {
				Map.Entry<CharSequence, CharSequence> line = lines.next();
				headerBytes += line.getKey().length() + line.getValue().length() + 4;
			}
			return headerBytes;
		}
		for (Map.Entry<String, List<String>> header : request.getHeaders().headerSet()) {
			for (String value : header.getValue()) {
				headerBytes += header.getKey().length() + value.length() + 4;
			}
		}
		return headerBytes;
	}

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

}
