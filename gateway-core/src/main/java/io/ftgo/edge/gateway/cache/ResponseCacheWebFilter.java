package io.ftgo.edge.gateway.cache;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.micrometer.core.instrument.MeterRegistry;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilterChain;

import io.ftgo.edge.gateway.pipeline.EdgeChainLink;
import io.ftgo.edge.gateway.pipeline.EdgeLinkType;
import io.ftgo.edge.gateway.support.EdgeAttributes;
import io.ftgo.edge.gateway.support.PrincipalResolver;
import io.ftgo.edge.security.EdgePrincipal;

/**
 * Caches GET answers of the configured paths, for proxied routes and composed endpoints
 * alike (it is a link of the edge chain, after the rate limit). Which requests match and
 * their keys are {@link CacheRules}'; what is stored, {@link CacheEntry}; background
 * revalidation, {@link BackgroundRevalidation}; this class serves, fetches and stores.
 * <p>
 * Design: the cache holds futures ({@link AsyncCache}). The first request for a key
 * installs an incomplete future and runs the chain; concurrent requests for the same key
 * wait on that future instead of calling upstream, so concurrent misses make one upstream
 * call. When the answer turns out not cacheable (not 200, {@code private},
 * {@code no-store} or {@code no-cache}, {@code Set-Cookie}, too large, an error, or the
 * first caller went away) the future completes empty, Caffeine drops it, and each waiter
 * runs its own call. Keys hold the rule, path, sorted query, the {@code vary} headers
 * and, unless the rule is shared, the caller's identity scope: one user's answer is never
 * served to another. Every cacheable answer carries a strong {@code ETag}; a matching
 * {@code If-None-Match} gets 304.
 * <p>
 * Freshness comes from the provider's {@code Cache-Control} ({@code s-maxage}, else
 * {@code max-age}), capped by the rule's {@code ttl}; without either directive the
 * {@code ttl} is the lifetime. Past it, within {@code stale-while-revalidate}, the stale
 * answer is served at once and one background revalidation per key runs the chain into a
 * {@link CapturedResponse} (detached from the caller, bounded by
 * {@link #REVALIDATION_TIMEOUT}); its answer replaces the entry for the next caller.
 * Within {@code stale-if-error}, the call is made inline and the stale answer is served
 * when upstream answers 5xx or fails. Every answer from the cache carries {@code Age}
 * (seconds since the provider produced it). The outcome is the {@code X-Cache} header
 * (HIT, MISS, STALE) and the metric {@code edge.cache.requests{rule, result}} (result
 * hit, miss, bypass, stale, stale-if-error); background revalidations are counted by
 * {@code edge.cache.revalidations{rule, result=started|succeeded|failed}}.
 */
public class ResponseCacheWebFilter implements EdgeChainLink {

	/** Response header naming the cache outcome. */
	public static final String X_CACHE = "X-Cache";

	/** Upper bound of one background revalidation. */
	public static final Duration REVALIDATION_TIMEOUT = BackgroundRevalidation.REVALIDATION_TIMEOUT;

	/** Most background revalidations at once ({@link BackgroundRevalidation}). */
	public static final int MAX_REVALIDATIONS = BackgroundRevalidation.MAX_REVALIDATIONS;

	private static final List<String> STALE_ON_ERROR_DROPPED = List.of(HttpHeaders.CONTENT_TYPE,
			HttpHeaders.CONTENT_LENGTH, HttpHeaders.CONTENT_ENCODING, HttpHeaders.CACHE_CONTROL,
			HttpHeaders.RETRY_AFTER, HttpHeaders.ETAG);

	private final EdgeCacheProperties properties;

	private final CacheRules rules;

	private final AsyncCache<String, CacheEntry> cache;

	private final MeterRegistry meters;

	private final BackgroundRevalidation revalidation;

	private volatile LongSupplier clock = System::nanoTime;

	public ResponseCacheWebFilter(EdgeCacheProperties properties, MeterRegistry meters) {
		this.properties = properties;
		this.meters = meters;
		this.rules = new CacheRules(properties);
		this.cache = Caffeine.newBuilder()
			.maximumSize(properties.maxEntries())
			.ticker(() -> this.clock.getAsLong())
			.expireAfter(new Expiry<String, CacheEntry>() {
				@Override
				public long expireAfterCreate(String key, CacheEntry entry, long now) {
					return entry.keepNanos();
				}

				@Override
				public long expireAfterUpdate(String key, CacheEntry entry, long now, long current) {
					return entry.keepNanos();
				}

				@Override
				public long expireAfterRead(String key, CacheEntry entry, long now, long current) {
					return current;
				}
			})
			.buildAsync();
		this.revalidation = new BackgroundRevalidation(this.cache, properties.maxEntrySize().toBytes(), meters,
				() -> this.clock.getAsLong());
	}

	/**
	 * Replaces the clock of ages and lifetimes (tests move it by hand instead of
	 * waiting).
	 * @param nanos a monotonic clock in nanoseconds
	 */
	public void clock(LongSupplier nanos) {
		this.clock = nanos;
	}

	@Override
	public EdgeLinkType linkType() {
		return EdgeLinkType.RESPONSE_CACHE;
	}

	/** Only routes a rule may match. */
	@Override
	public boolean appliesTo(String pathPattern) {
		return this.rules.mayMatch(pathPattern);
	}

	@Override
	public Map<String, Object> settings(List<String> pathPatterns) {
		return Map.of("enabled", this.properties.enabled(), "rules", this.rules.rulesFor(pathPatterns), "vary",
				this.properties.vary(), "max-entry-size", this.properties.maxEntrySize().toString());
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		ServerHttpRequest request = exchange.getRequest();
		if (!HttpMethod.GET.equals(request.getMethod()) || !this.properties.enabled()) {
			return chain.filter(exchange);
		}
		int index = this.rules.match(request.getPath().pathWithinApplication());
		if (index < 0) {
			return chain.filter(exchange);
		}
		EdgeCacheProperties.Rule rule = this.rules.rule(index);
		String ruleId = Integer.toString(index);
		EdgePrincipal known = exchange.getAttribute(EdgeAttributes.PRINCIPAL_ATTR);
		if (known != null) {
			// The principal was resolved by an earlier link: no reactive stage for it.
			return cached(exchange, chain, rule, ruleId, this.rules.key(index, request, known.identityScope()));
		}
		return PrincipalResolver.resolve(exchange)
			.map(EdgePrincipal::identityScope)
			.defaultIfEmpty("anonymous")
			.flatMap((identity) -> cached(exchange, chain, rule, ruleId, this.rules.key(index, request, identity)));
	}

	private Mono<Void> cached(ServerWebExchange exchange, WebFilterChain chain, EdgeCacheProperties.Rule rule,
			String ruleId, String key) {
		CompletableFuture<CacheEntry> mine = new CompletableFuture<>();
		CompletableFuture<CacheEntry> existing = this.cache.asMap().putIfAbsent(key, mine);
		if (existing == null) {
			count(ruleId, "miss");
			return fetch(exchange, chain, rule, ruleId, mine, null);
		}
		if (existing.isDone()) {
			// An answer that is there (or known not cacheable): decided at once.
			return found(exchange, chain, rule, ruleId, key, existing, existing.getNow(null));
		}
		// Mono<Void> completes empty on success: branch on the entry, never
		// switchIfEmpty.
		return Mono.fromFuture(existing, true)
			.map(Optional::of)
			.defaultIfEmpty(Optional.empty())
			.flatMap((found) -> found(exchange, chain, rule, ruleId, key, existing, found.orElse(null)));
	}

	private Mono<Void> found(ServerWebExchange exchange, WebFilterChain chain, EdgeCacheProperties.Rule rule,
			String ruleId, String key, CompletableFuture<CacheEntry> existing, CacheEntry entry) {
		if (entry == null) {
			count(ruleId, "bypass");
			return chain.filter(exchange);
		}
		long age = this.clock.getAsLong() - entry.storedAtNanos();
		if (age < entry.freshNanos()) {
			count(ruleId, "hit");
			return write(exchange, entry, "HIT");
		}
		if (age < entry.freshNanos() + entry.staleWhileRevalidateNanos()) {
			count(ruleId, "stale");
			return Mono.deferContextual((context) -> {
				this.revalidation.revalidate(exchange, chain, rule, ruleId, key, context);
				return write(exchange, entry, "STALE");
			});
		}
		// Past its lifetime (and past stale-while-revalidate): the call is made inline,
		// by
		// one caller at a time; within stale-if-error a failure serves the stale answer.
		CompletableFuture<CacheEntry> next = new CompletableFuture<>();
		if (!this.cache.asMap().replace(key, existing, next)) {
			return cached(exchange, chain, rule, ruleId, key);
		}
		count(ruleId, "miss");
		boolean ifError = age < entry.freshNanos() + entry.staleIfErrorNanos();
		return fetch(exchange, chain, rule, ruleId, next, ifError ? entry : null);
	}

	/**
	 * Runs the chain for the client, capturing a cacheable answer into {@code mine}. With
	 * a {@code stale} entry (within {@code stale-if-error}), a 5xx answer or an error is
	 * replaced by the stale answer, which stays in the cache.
	 */
	private Mono<Void> fetch(ServerWebExchange exchange, WebFilterChain chain, EdgeCacheProperties.Rule rule,
			String ruleId, CompletableFuture<CacheEntry> mine, CacheEntry stale) {
		exchange.getAttributes().put(EdgeAttributes.CACHE_ATTR, "MISS");
		ServerHttpResponse response = exchange.getResponse();
		ServerHttpResponseDecorator capturing = new ServerHttpResponseDecorator(response) {

			@Override
			public Mono<Void> writeWith(Publisher<? extends DataBuffer> body) {
				if (stale != null && failed(getDelegate())) {
					return Flux.from(body).doOnNext(DataBufferUtils::release).then(Mono.defer(() -> {
						mine.complete(stale);
						return serveStaleOnError(exchange, ruleId, stale);
					}));
				}
				long max = ResponseCacheWebFilter.this.properties.maxEntrySize().toBytes();
				if (getDelegate().getHeaders().getContentLength() > max) {
					mine.complete(null);
					return getDelegate().writeWith(body);
				}
				// Answers on cached paths are held until complete; one that turns out
				// larger than max-entry-size is written as it came, uncached.
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
					CacheEntry entry = CacheEntry.of(getDelegate(), bytes, rule,
							ResponseCacheWebFilter.this.clock.getAsLong());
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
				if (stale != null && failed(getDelegate())) {
					mine.complete(stale);
					return serveStaleOnError(exchange, ruleId, stale);
				}
				mine.complete(null);
				return getDelegate().setComplete();
			}

		};
		Mono<Void> run = chain.filter(exchange.mutate().response(capturing).build());
		if (stale != null) {
			run = run.onErrorResume((error) -> {
				if (response.isCommitted()) {
					return Mono.error(error);
				}
				mine.complete(stale);
				return serveStaleOnError(exchange, ruleId, stale);
			});
		}
		return run.doFinally((signal) -> mine.complete(null));
	}

	private static boolean failed(ServerHttpResponse response) {
		return response.getStatusCode() != null && response.getStatusCode().is5xxServerError();
	}

	private Mono<Void> serveStaleOnError(ServerWebExchange exchange, String ruleId, CacheEntry stale) {
		count(ruleId, "stale-if-error");
		HttpHeaders headers = exchange.getResponse().getHeaders();
		for (String name : STALE_ON_ERROR_DROPPED) {
			headers.remove(name);
		}
		return write(exchange, stale, "STALE");
	}

	private Mono<Void> write(ServerWebExchange exchange, CacheEntry entry, String outcome) {
		exchange.getAttributes().put(EdgeAttributes.CACHE_ATTR, outcome);
		ServerHttpResponse response = exchange.getResponse();
		HttpHeaders headers = response.getHeaders();
		entry.headers()
			.headerSet()
			.forEach((header) -> headers.put(header.getKey(), new ArrayList<>(header.getValue())));
		headers.set(X_CACHE, outcome);
		long age = entry.initialAgeSeconds()
				+ TimeUnit.NANOSECONDS.toSeconds(Math.max(0, this.clock.getAsLong() - entry.storedAtNanos()));
		headers.set("Age", Long.toString(age));
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
