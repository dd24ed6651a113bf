package io.ftgo.edge.gateway.cache;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.micrometer.core.instrument.MeterRegistry;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.PathContainer;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

import io.ftgo.edge.gateway.support.EdgeAttributes;
import io.ftgo.edge.gateway.support.EdgeFilterOrder;
import io.ftgo.edge.gateway.support.PrincipalResolver;
import io.ftgo.edge.security.EdgePrincipal;

/**
 * Caches GET answers of the configured paths, for proxied routes and composed endpoints
 * alike (it is a link of the edge chain, after the rate limit).
 * <p>
 * Design: the cache holds futures ({@link AsyncCache}). The first request for a key
 * installs an incomplete future and runs the chain; concurrent requests for the same key
 * wait on that future instead of calling upstream, so concurrent misses make one upstream
 * call. When the answer turns out not cacheable (not 200, {@code private} or
 * {@code no-store}, {@code Set-Cookie}, too large, an error, or the first caller went
 * away) the future completes empty, Caffeine drops it, and each waiter runs its own call.
 * Keys hold the rule, path, sorted query, the {@code vary} headers and, unless the rule
 * is shared, the caller's identity scope: one user's answer is never served to another.
 * Every cacheable answer carries a strong {@code ETag}; a matching {@code If-None-Match}
 * gets 304. The outcome is the {@code X-Cache} header (HIT, MISS) and the metric
 * {@code edge.cache.requests{rule, result}}.
 */
public class ResponseCacheWebFilter implements WebFilter, Ordered {

	/** Response header naming the cache outcome. */
	public static final String X_CACHE = "X-Cache";

	private final EdgeCacheProperties properties;

	private final AsyncCache<String, Entry> cache;

	private final MeterRegistry meters;

	/** The rules' paths, parsed once, in the order of the rules. */
	private final List<PathPattern> patterns;

	/** A cached answer. */
	record Entry(HttpStatus status, HttpHeaders headers, byte[] body, String etag, Duration ttl) {
	}

	public ResponseCacheWebFilter(EdgeCacheProperties properties, MeterRegistry meters) {
		this.properties = properties;
		this.meters = meters;
		this.patterns = properties.rules()
			.stream()
			.map((rule) -> PathPatternParser.defaultInstance.parse(rule.path()))
			.toList();
		this.cache = Caffeine.newBuilder()
			.maximumSize(properties.maxEntries())
			.expireAfter(new Expiry<String, Entry>() {
				@Override
				public long expireAfterCreate(String key, Entry entry, long now) {
					return entry.ttl().toNanos();
				}

				@Override
				public long expireAfterUpdate(String key, Entry entry, long now, long current) {
					return entry.ttl().toNanos();
				}

				@Override
				public long expireAfterRead(String key, Entry entry, long now, long current) {
					return current;
				}
			})
			.buildAsync();
	}

	@Override
	public int getOrder() {
		return EdgeFilterOrder.RESPONSE_CACHE;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		ServerHttpRequest request = exchange.getRequest();
		if (!HttpMethod.GET.equals(request.getMethod()) || !this.properties.enabled()) {
			return chain.filter(exchange);
		}
		PathContainer path = request.getPath().pathWithinApplication();
		List<EdgeCacheProperties.Rule> rules = this.properties.rules();
		for (int i = 0; i < rules.size(); i++) {
			if (this.patterns.get(i).matches(path)) {
				EdgeCacheProperties.Rule rule = rules.get(i);
				String ruleId = Integer.toString(i);
				return PrincipalResolver.resolve(exchange)
					.map(EdgePrincipal::identityScope)
					.defaultIfEmpty("anonymous")
					.flatMap((identity) -> cached(exchange, chain, rule, ruleId, key(ruleId, rule, request, identity)));
			}
		}
		return chain.filter(exchange);
	}

	private String key(String ruleId, EdgeCacheProperties.Rule rule, ServerHttpRequest request, String identity) {
		StringBuilder key = new StringBuilder(128).append(ruleId).append('|').append(request.getPath().value());
		Map<String, List<String>> query = new TreeMap<>(request.getQueryParams());
		key.append('?').append(query);
		for (String header : this.properties.vary()) {
			key.append('|')
				.append(header.toLowerCase(Locale.ROOT))
				.append('=')
				.append(request.getHeaders().getOrEmpty(header));
		}
		if (!rule.shared()) {
			key.append("|id=").append(identity);
		}
		return key.toString();
	}

	private Mono<Void> cached(ServerWebExchange exchange, WebFilterChain chain, EdgeCacheProperties.Rule rule,
			String ruleId, String key) {
		CompletableFuture<Entry> mine = new CompletableFuture<>();
		CompletableFuture<Entry> existing = this.cache.asMap().putIfAbsent(key, mine);
		if (existing != null) {
			// Mono<Void> completes empty on success: branch on the entry, never
			// switchIfEmpty.
			return Mono.fromFuture(existing, true)
				.map(Optional::of)
				.defaultIfEmpty(Optional.empty())
				.flatMap((entry) -> {
					if (entry.isPresent()) {
						count(ruleId, "hit");
						return write(exchange, entry.get(), "HIT");
					}
					count(ruleId, "bypass");
					return chain.filter(exchange);
				});
		}
		count(ruleId, "miss");
		exchange.getAttributes().put(EdgeAttributes.CACHE_ATTR, "MISS");
		ServerHttpResponse response = exchange.getResponse();
		ServerHttpResponseDecorator capturing = new ServerHttpResponseDecorator(response) {

			@Override
			public Mono<Void> writeWith(Publisher<? extends DataBuffer> body) {
				long max = ResponseCacheWebFilter.this.properties.maxEntrySize().toBytes();
				if (getDelegate().getHeaders().getContentLength() > max) {
					mine.complete(null);
					return getDelegate().writeWith(body);
				}
				// Answers on cached paths are held until complete; one that turns out
				// larger
				// than max-entry-size is written as it came, uncached.
				return Flux.from(body).collectList().flatMap((buffers) -> {
					long size = buffers.stream().mapToLong(DataBuffer::readableByteCount).sum();
					if (size > max) {
						mine.complete(null);
						return getDelegate().writeWith(Flux.fromIterable(buffers));
					}
					byte[] bytes = new byte[(int) size];
					int offset = 0;
					for (DataBuffer buffer : buffers) {
						int length = buffer.readableByteCount();
						buffer.read(bytes, offset, length);
						offset += length;
						DataBufferUtils.release(buffer);
					}
					Entry entry = cacheable(getDelegate(), bytes, rule.ttl());
					mine.complete(entry);
					if (entry == null) {
						return getDelegate().writeWith(Mono.just(getDelegate().bufferFactory().wrap(bytes)));
					}
					return write(exchange.mutate().response(getDelegate()).build(), entry, "MISS");
				});
			}

			@Override
			public Mono<Void> writeAndFlushWith(Publisher<? extends Publisher<? extends DataBuffer>> body) {
				mine.complete(null);
				return getDelegate().writeAndFlushWith(body);
			}

			@Override
			public Mono<Void> setComplete() {
				mine.complete(null);
				return getDelegate().setComplete();
			}

		};
		return chain.filter(exchange.mutate().response(capturing).build()).doFinally((signal) -> mine.complete(null));
	}

	private Entry cacheable(ServerHttpResponse response, byte[] body, Duration ttl) {
		HttpHeaders headers = response.getHeaders();
		if (response.getStatusCode() == null || response.getStatusCode().value() != 200
				|| headers.containsHeader(HttpHeaders.SET_COOKIE)) {
			return null;
		}
		String cacheControl = String.join(",", headers.getOrEmpty(HttpHeaders.CACHE_CONTROL)).toLowerCase(Locale.ROOT);
		if (cacheControl.contains("private") || cacheControl.contains("no-store")) {
			return null;
		}
		HttpHeaders stored = new HttpHeaders();
		headers.headerSet().forEach((header) -> {
			String name = header.getKey().toLowerCase(Locale.ROOT);
			if (!name.equals("transfer-encoding") && !name.equals("connection") && !name.equals("date")
					&& !name.equals("content-length") && !name.startsWith("ratelimit") && !name.equals("x-cache")) {
				stored.addAll(header.getKey(), header.getValue());
			}
		});
		String etag = (headers.getETag() != null) ? headers.getETag() : Etags.of(body);
		stored.setETag(etag);
		return new Entry(HttpStatus.OK, HttpHeaders.readOnlyHttpHeaders(stored), body, etag, ttl);
	}

	private Mono<Void> write(ServerWebExchange exchange, Entry entry, String outcome) {
		exchange.getAttributes().put(EdgeAttributes.CACHE_ATTR, outcome);
		ServerHttpResponse response = exchange.getResponse();
		HttpHeaders headers = response.getHeaders();
		entry.headers()
			.headerSet()
			.forEach((header) -> headers.put(header.getKey(), new ArrayList<>(header.getValue())));
		headers.set(X_CACHE, outcome);
		if (Etags.notModified(exchange.getRequest(), entry.etag())) {
			response.setStatusCode(HttpStatus.NOT_MODIFIED);
			headers.remove(HttpHeaders.CONTENT_TYPE);
			headers.remove(HttpHeaders.CONTENT_LENGTH);
			return response.setComplete();
		}
		response.setStatusCode(entry.status());
		headers.setContentLength(entry.body().length);
		return response.writeWith(Mono.fromSupplier(() -> response.bufferFactory().wrap(entry.body())));
	}

	private void count(String rule, String result) {
		if (this.meters != null) {
			this.meters.counter("edge.cache.requests", "rule", rule, "result", result).increment();
		}
	}

	/** Drops every entry (tests; an operator's flush). */
	public void clear() {
		this.cache.synchronous().invalidateAll();
	}

}
