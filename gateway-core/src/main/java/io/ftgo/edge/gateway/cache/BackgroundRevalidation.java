package io.ftgo.edge.gateway.cache;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

import com.github.benmanes.caffeine.cache.AsyncCache;
import io.micrometer.core.instrument.MeterRegistry;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.context.Context;
import reactor.util.context.ContextView;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilterChain;

/**
 * The background half of stale-while-revalidate: one revalidation per key at a time, at
 * most {@link #MAX_REVALIDATIONS} at once. The chain runs again for the request into a
 * {@link CapturedResponse}, in the caller's Reactor context but not tied to its
 * subscription (a client that goes away does not cancel it), bounded by
 * {@link #REVALIDATION_TIMEOUT}. A cacheable answer replaces the entry; anything else
 * leaves the stale one. Counted by {@code edge.cache.revalidations{rule,
 * result=started|succeeded|failed}}.
 */
final class BackgroundRevalidation {

	/** Upper bound of one background revalidation. */
	static final Duration REVALIDATION_TIMEOUT = Duration.ofSeconds(30);

	/**
	 * Most background revalidations at once. They run outside the concurrency limit (the
	 * client was answered), so under overload a stale key beyond this is served stale
	 * without one; the next request for it tries again.
	 */
	static final int MAX_REVALIDATIONS = 64;

	private final AsyncCache<String, CacheEntry> cache;

	private final long maxEntrySize;

	private final MeterRegistry meters;

	private final LongSupplier clock;

	/** Keys with a background revalidation in flight. */
	private final Set<String> revalidating = ConcurrentHashMap.newKeySet();

	BackgroundRevalidation(AsyncCache<String, CacheEntry> cache, long maxEntrySize, MeterRegistry meters,
			LongSupplier clock) {
		this.cache = cache;
		this.maxEntrySize = maxEntrySize;
		this.meters = meters;
		this.clock = clock;
	}

	/** Starts a revalidation of {@code key} unless one runs or too many do. */
	void revalidate(ServerWebExchange exchange, WebFilterChain chain, EdgeCacheProperties.Rule rule, String ruleId,
			String key, ContextView context) {
		if (this.revalidating.size() >= MAX_REVALIDATIONS || !this.revalidating.add(key)) {
			return;
		}
		count(ruleId, "started");
		CapturedResponse captured = new CapturedResponse(exchange.getResponse().bufferFactory(), this.maxEntrySize);
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
			CacheEntry entry = (body != null) ? CacheEntry.of(captured, body, rule, this.clock.getAsLong()) : null;
			if (entry == null) {
				throw new IllegalStateException("not cacheable");
			}
			this.cache.put(key, CompletableFuture.completedFuture(entry));
		}))
			.timeout(REVALIDATION_TIMEOUT)
			.contextWrite(Context.of(context))
			.doFinally((signal) -> this.revalidating.remove(key))
			.subscribe(null, (error) -> count(ruleId, "failed"), () -> count(ruleId, "succeeded"));
	}

	private void count(String rule, String result) {
		if (this.meters != null) {
			this.meters.counter("edge.cache.revalidations", "rule", rule, "result", result).increment();
		}
	}

}
