package io.ftgo.edge.composition.fallback;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

import reactor.core.publisher.Mono;
import reactor.util.context.Context;
import tools.jackson.databind.JsonNode;

/**
 * Request collapsing: one shared call per key while it is in flight (internal; see the
 * package note).
 */
public final class InFlightCalls {

	private final ConcurrentHashMap<CallKey, CompletableFuture<JsonNode>> calls = new ConcurrentHashMap<>();

	/**
	 * Joins the call in flight for {@code key}, or starts {@code call} and shares it.
	 * @param key the call identity
	 * @param call makes the call (subscribed at most once per flight)
	 * @param whenJoined applied to the outcome when this caller joins another's call
	 * @return the shared outcome; cancelling it does not cancel the call, which runs in
	 * the Reactor context of the caller that started it (e.g. its tracing span)
	 */
	public Mono<JsonNode> collapse(CallKey key, Supplier<Mono<JsonNode>> call,
			UnaryOperator<Mono<JsonNode>> whenJoined) {
		return Mono.deferContextual((context) -> {
			CompletableFuture<JsonNode> mine = new CompletableFuture<>();
			CompletableFuture<JsonNode> existing = this.calls.putIfAbsent(key, mine);
			if (existing != null) {
				return whenJoined.apply(Mono.fromFuture(existing, true));
			}
			call.get().subscribe((value) -> {
				this.calls.remove(key, mine);
				mine.complete(value);
			}, (error) -> {
				this.calls.remove(key, mine);
				mine.completeExceptionally(error);
			}, () -> {
				if (!mine.isDone()) {
					this.calls.remove(key, mine);
					mine.complete(null);
				}
			}, Context.of(context));
			return Mono.fromFuture(mine, true);
		});
	}

	/**
	 * Calls in flight now (for tests and metrics).
	 * @return the number of distinct calls in flight
	 */
	public int size() {
		return this.calls.size();
	}

}
