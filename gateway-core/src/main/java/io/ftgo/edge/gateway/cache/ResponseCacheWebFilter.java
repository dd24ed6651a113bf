package io.ftgo.edge.gateway.cache;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.micrometer.core.instrument.MeterRegistry;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.context.Context;
import reactor.util.context.ContextView;

import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.PathContainer;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
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
public class ResponseCacheWebFilter implements WebFilter, Ordered {

	/** Response header naming the cache outcome. */
	public static final String X_CACHE = "X-Cache";

	/** Upper bound of one background revalidation. */
	public static final Duration REVALIDATION_TIMEOUT = Duration.ofSeconds(30);

	/**
	 * Most background revalidations at once. They run outside the concurrency limit (the
	 * client was answered), so under overload a stale key beyond this is served stale
	 * without one; the next request for it tries again.
	 */
	public static final int MAX_REVALIDATIONS = 64;

	private final EdgeCacheProperties properties;

	private final AsyncCache<String, Entry> cache;

	private final MeterRegistry meters;

	/** The rules' paths, parsed once, in the order of the rules. */
	private final List<PathPattern> patterns;

	/** Keys with a background revalidation in flight. */
	private final Set<String> revalidating = ConcurrentHashMap.newKeySet();

	private volatile LongSupplier clock = System::nanoTime;

	/**
	 * A cached answer.
	 *
	 * @param status the status (200)
	 * @param headers the headers to replay
	 * @param body the body
	 * @param etag the strong entity tag
	 * @param storedAtNanos when it was stored (clock time)
	 * @param initialAgeSeconds the provider's own {@code Age} when stored
	 * @param freshNanos how long it is fresh
	 * @param staleWhileRevalidateNanos how long after that it is served while revalidated
	 * @param staleIfErrorNanos how long after fresh it is served when upstream fails
	 */
	record Entry(HttpStatus status, HttpHeaders headers, byte[] body, String etag, long storedAtNanos,
			long initialAgeSeconds, long freshNanos, long staleWhileRevalidateNanos, long staleIfErrorNanos) {

		long keepNanos() {
			return this.freshNanos + Math.max(this.staleWhileRevalidateNanos, this.staleIfErrorNanos);
		}

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
			.ticker(() -> this.clock.getAsLong())
			.expireAfter(new Expiry<String, Entry>() {
				@Override
				public long expireAfterCreate(String key, Entry entry, long now) {
					return entry.keepNanos();
				}

				@Override
				public long expireAfterUpdate(String key, Entry entry, long now, long current) {
					return entry.keepNanos();
				}

				@Override
				public long expireAfterRead(String key, Entry entry, long now, long current) {
					return current;
				}
			})
			.buildAsync();
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
		if (existing == null) {
			count(ruleId, "miss");
			return fetch(exchange, chain, rule, ruleId, mine, null);
		}
		// Mono<Void> completes empty on success: branch on the entry, never
		// switchIfEmpty.
		return Mono.fromFuture(existing, true).map(Optional::of).defaultIfEmpty(Optional.empty()).flatMap((found) -> {
			if (found.isEmpty()) {
				count(ruleId, "bypass");
				return chain.filter(exchange);
			}
			Entry entry = found.get();
			long age = this.clock.getAsLong() - entry.storedAtNanos();
			if (age < entry.freshNanos()) {
				count(ruleId, "hit");
				return write(exchange, entry, "HIT");
			}
			if (age < entry.freshNanos() + entry.staleWhileRevalidateNanos()) {
				count(ruleId, "stale");
				return Mono.deferContextual((context) -> {
					revalidate(exchange, chain, rule, ruleId, key, context);
					return write(exchange, entry, "STALE");
				});
			}
			// Past its lifetime (and past stale-while-revalidate): the call is made
			// inline, by one caller at a time; within stale-if-error a failure serves the
			// stale answer.
			CompletableFuture<Entry> next = new CompletableFuture<>();
			if (!this.cache.asMap().replace(key, existing, next)) {
				return cached(exchange, chain, rule, ruleId, key);
			}
			count(ruleId, "miss");
			boolean ifError = age < entry.freshNanos() + entry.staleIfErrorNanos();
			return fetch(exchange, chain, rule, ruleId, next, ifError ? entry : null);
		});
	}

	/**
	 * Runs the chain for the client, capturing a cacheable answer into {@code mine}. With
	 * a {@code stale} entry (within {@code stale-if-error}), a 5xx answer or an error is
	 * replaced by the stale answer, which stays in the cache.
	 */
	private Mono<Void> fetch(ServerWebExchange exchange, WebFilterChain chain, EdgeCacheProperties.Rule rule,
			String ruleId, CompletableFuture<Entry> mine, Entry stale) {
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
					Entry entry = cacheable(getDelegate(), bytes, rule);
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

	private Mono<Void> serveStaleOnError(ServerWebExchange exchange, String ruleId, Entry stale) {
		count(ruleId, "stale-if-error");
		HttpHeaders headers = exchange.getResponse().getHeaders();
		for (String name : List.of(HttpHeaders.CONTENT_TYPE, HttpHeaders.CONTENT_LENGTH, HttpHeaders.CONTENT_ENCODING,
				HttpHeaders.CACHE_CONTROL, HttpHeaders.RETRY_AFTER, HttpHeaders.ETAG)) {
			headers.remove(name);
		}
		return write(exchange, stale, "STALE");
	}

	/**
	 * One background revalidation per key: the chain runs again for this request into a
	 * {@link CapturedResponse}, in the caller's Reactor context but not tied to its
	 * subscription (a client that goes away does not cancel it), bounded by
	 * {@link #REVALIDATION_TIMEOUT}. A cacheable answer replaces the entry; anything else
	 * leaves the stale one.
	 */
	private void revalidate(ServerWebExchange exchange, WebFilterChain chain, EdgeCacheProperties.Rule rule,
			String ruleId, String key, ContextView context) {
		if (this.revalidating.size() >= MAX_REVALIDATIONS || !this.revalidating.add(key)) {
			return;
		}
		countRevalidation(ruleId, "started");
		CapturedResponse captured = new CapturedResponse(exchange.getResponse().bufferFactory(),
				this.properties.maxEntrySize().toBytes());
		// A GET has no body; the client's connection may be done with before the
		// revalidation reads it, so the background request never touches it.
		ServerHttpRequest request = new ServerHttpRequestDecorator(exchange.getRequest()) {
			@Override
			public Flux<DataBuffer> getBody() {
				return Flux.empty();
			}
		};
		ServerWebExchange background = exchange.mutate().request(request).response(captured).build();
		// deferred: a chain that throws as it is called still ends in doFinally, so the
		// key is never left marked as revalidating
		Mono.defer(() -> chain.filter(background)).then(Mono.fromRunnable(() -> {
			byte[] body = captured.body();
			Entry entry = (body != null) ? cacheable(captured, body, rule) : null;
			if (entry == null) {
				throw new IllegalStateException("not cacheable");
			}
			this.cache.put(key, CompletableFuture.completedFuture(entry));
		}))
			.timeout(REVALIDATION_TIMEOUT)
			.contextWrite(Context.of(context))
			.doFinally((signal) -> this.revalidating.remove(key))
			.subscribe(null, (error) -> countRevalidation(ruleId, "failed"),
					() -> countRevalidation(ruleId, "succeeded"));
	}

	private Entry cacheable(ServerHttpResponse response, byte[] body, EdgeCacheProperties.Rule rule) {
		HttpHeaders headers = response.getHeaders();
		if (response.getStatusCode() == null || response.getStatusCode().value() != 200
				|| headers.containsHeader(HttpHeaders.SET_COOKIE)) {
			return null;
		}
		CacheControl control = CacheControl.parse(headers.getOrEmpty(HttpHeaders.CACHE_CONTROL));
		if (control.noStore()) {
			return null;
		}
		// The rule's ttl is the ceiling of what is left of the provider's max-age (its
		// max-age less the Age it already has, RFC 9111 4.2), and the lifetime when the
		// provider gives none.
		long initialAge = initialAge(headers);
		Duration fresh = rule.ttl();
		if (control.maxAge() != null) {
			Duration left = control.maxAge().minusSeconds(Math.min(initialAge, CacheControl.MAX.toSeconds()));
			left = left.isNegative() ? Duration.ZERO : left;
			fresh = (left.compareTo(fresh) < 0) ? left : fresh;
		}
		if (fresh.isZero() && control.staleWhileRevalidate().isZero() && control.staleIfError().isZero()) {
			return null;
		}
		HttpHeaders stored = new HttpHeaders();
		headers.headerSet().forEach((header) -> {
			String name = header.getKey().toLowerCase(Locale.ROOT);
			if (!name.equals("transfer-encoding") && !name.equals("connection") && !name.equals("date")
					&& !name.equals("content-length") && !name.startsWith("ratelimit") && !name.equals("x-cache")
					&& !name.equals("age")) {
				stored.addAll(header.getKey(), header.getValue());
			}
		});
		String etag = (headers.getETag() != null) ? headers.getETag() : Etags.of(body);
		stored.setETag(etag);
		return new Entry(HttpStatus.OK, HttpHeaders.readOnlyHttpHeaders(stored), body, etag, this.clock.getAsLong(),
				initialAge, fresh.toNanos(), control.staleWhileRevalidate().toNanos(),
				control.staleIfError().toNanos());
	}

	private static long initialAge(HttpHeaders headers) {
		String age = headers.getFirst("Age");
		if (age == null || age.isEmpty() || age.length() > 10 || !age.chars().allMatch(Character::isDigit)) {
			return 0;
		}
		return Long.parseLong(age);
	}

	private Mono<Void> write(ServerWebExchange exchange, Entry entry, String outcome) {
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

	private void countRevalidation(String rule, String result) {
		if (this.meters != null) {
			this.meters.counter("edge.cache.revalidations", "rule", rule, "result", result).increment();
		}
	}

	/** Drops every entry (tests; an operator's flush). */
	public void clear() {
		this.cache.synchronous().invalidateAll();
	}

}
