package io.ftgo.edge.gateway.pipeline;

import java.util.List;
import java.util.Map;

import reactor.core.publisher.Mono;

import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * One route's edge pipeline, assembled once at start-up: the links its settings need, in
 * the order of {@link EdgeLinkType}, ending in the route (the rest of the web filter
 * chain and the handler).
 * <p>
 * Running it costs what the links cost: the chain objects between the links are built
 * once and reused for every request that reaches the pipeline through the same outer
 * chain (nothing is allocated per link and request), and a link that decides at once
 * returns the next link's answer directly, without a reactive stage of its own.
 *
 * @param name the route id, composition name, or {@code default} for paths no route
 * declares
 * @param kind {@code route}, {@code composition}, {@code transcoded}, {@code endpoint} or
 * {@code default}
 * @param method the route's method, or null
 * @param paths the route's path patterns (none for {@code default})
 * @param links the links, in order (the route link last)
 */
public record EdgePipeline(String name, String kind, String method, List<String> paths, List<Link> links) {

	/**
	 * One link of a pipeline.
	 *
	 * @param type which link
	 * @param filter what runs it (null for the route link)
	 * @param settings its settings as they apply to this route
	 */
	public record Link(EdgeLinkType type, WebFilter filter, Map<String, Object> settings) {

		/** The link's name. */
		public String name() {
			return this.type.id();
		}

	}

	/** The link types, in order (the actuator and tests read these). */
	public List<String> linkNames() {
		return this.links.stream().map(Link::name).toList();
	}

	/** The runnable form of this pipeline. */
	Runner runner() {
		WebFilter[] filters = this.links.stream()
			.map(Link::filter)
			.filter(java.util.Objects::nonNull)
			.toArray(WebFilter[]::new);
		return new Runner(filters);
	}

	/**
	 * Runs a pipeline's filters. The chain of each position is built once per outer chain
	 * (the web handler's own chain is one object, so in practice once).
	 */
	static final class Runner {

		private final WebFilter[] filters;

		private volatile Built built;

		Runner(WebFilter[] filters) {
			this.filters = filters;
		}

		Mono<Void> run(ServerWebExchange exchange, WebFilterChain outer) {
			Built current = this.built;
			if (current == null || current.outer != outer) {
				current = new Built(outer, chain(outer));
				this.built = current;
			}
			return current.first.filter(exchange);
		}

		private WebFilterChain chain(WebFilterChain outer) {
			WebFilterChain next = outer;
			for (int i = this.filters.length - 1; i >= 0; i--) {
				next = new Step(this.filters[i], next);
			}
			return next;
		}

	}

	private record Built(WebFilterChain outer, WebFilterChain first) {
	}

	/** One position: its filter and the chain after it. */
	private record Step(WebFilter filter, WebFilterChain next) implements WebFilterChain {

		@Override
		public Mono<Void> filter(ServerWebExchange exchange) {
			return this.filter.filter(exchange, this.next);
		}

	}

}
