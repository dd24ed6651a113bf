package io.ftgo.edge.gateway.pipeline;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import reactor.core.publisher.Mono;

import org.springframework.http.server.PathContainer;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * Every route's edge pipeline, assembled once at start-up from the links the application
 * has ({@link EdgeChainLink}s, in the order of {@link EdgeLinkType}) and its routes: each
 * proxied route's path patterns, each composed endpoint, the other endpoints the edge
 * serves (GraphQL, the session endpoints), and {@code default} for any other path, which
 * carries every link.
 * <p>
 * A route's pipeline leaves out a link that cannot act on its paths
 * ({@link EdgeChainLink#appliesTo}): a route no cache rule can match carries no response
 * cache, a route outside {@code /bff/} no session endpoints. Links decide from the path
 * alone, so a request is given the pipeline of the first route whose pattern its path
 * matches, without knowing which route will serve it; a path that matches none gets the
 * full pipeline. Only routes whose pipeline is shorter than the full one are matched at
 * all.
 * <p>
 * As a web filter ({@link #webFilter()}) this is the edge chain of the application port:
 * it takes the place of the link beans in the web handler's filter list
 * ({@link #absorbs(WebFilter)}).
 */
public final class EdgePipelines {

	/** The name of the pipeline of paths no route declares. */
	public static final String DEFAULT = "default";

	/**
	 * A route the edge serves.
	 *
	 * @param name the route id or composition name
	 * @param kind {@code route}, {@code composition}, {@code transcoded} or
	 * {@code endpoint}
	 * @param method its method (may be null)
	 * @param paths its path patterns
	 * @param settings what the route link shows besides kind, method and paths (e.g. a
	 * transcoded route's provider and gRPC method); may be empty
	 */
	public record Route(String name, String kind, String method, List<String> paths, Map<String, Object> settings) {

		public Route {
			settings = (settings != null) ? Collections.unmodifiableMap(new LinkedHashMap<>(settings)) : Map.of();
		}

		public Route(String name, String kind, String method, List<String> paths) {
			this(name, kind, method, paths, Map.of());
		}

	}

	private final Map<String, EdgePipeline> pipelines;

	private final EdgePipeline.Runner full;

	/** Routes with a shorter pipeline than the full one, in declaration order. */
	private final List<Matcher> reduced;

	private final Set<WebFilter> absorbed = Collections.newSetFromMap(new IdentityHashMap<>());

	private final WebFilter webFilter = new PipelinesWebFilter();

	/**
	 * @param links the application's links (any order)
	 * @param routes the routes
	 */
	public EdgePipelines(List<EdgeChainLink> links, List<Route> routes) {
		List<EdgeChainLink> ordered = new ArrayList<>(links);
		ordered.sort(Comparator.comparingInt((EdgeChainLink link) -> link.linkType().ordinal()));
		ordered.forEach((link) -> this.absorbed.add(absorbedFilter(link)));
		Map<String, EdgePipeline> pipelines = new LinkedHashMap<>();
		List<Matcher> reduced = new ArrayList<>();
		EdgePipeline fullPipeline = assemble(DEFAULT, DEFAULT, null, List.of(), Map.of(), ordered);
		this.full = fullPipeline.runner();
		for (Route route : routes) {
			EdgePipeline pipeline = assemble(route.name(), route.kind(), route.method(), route.paths(),
					route.settings(), ordered);
			String name = route.name();
			for (int i = 1; pipelines.containsKey(name); i++) {
				name = route.name() + "[" + i + "]";
			}
			pipelines.put(name, pipeline);
			if (pipeline.links().size() < fullPipeline.links().size()) {
				EdgePipeline.Runner runner = pipeline.runner();
				for (String path : route.paths()) {
					reduced.add(new Matcher(PathPatternParser.defaultInstance.parse(path), runner));
				}
			}
		}
		pipelines.put(DEFAULT, fullPipeline);
		this.pipelines = Collections.unmodifiableMap(pipelines);
		this.reduced = List.copyOf(reduced);
	}

	private static WebFilter absorbedFilter(EdgeChainLink link) {
		return (link instanceof DelegatingLink delegating) ? delegating.delegate() : link;
	}

	private static EdgePipeline assemble(String name, String kind, String method, List<String> paths,
			Map<String, Object> settings, List<EdgeChainLink> links) {
		List<EdgePipeline.Link> chosen = new ArrayList<>();
		boolean rewritten = false;
		for (EdgeChainLink link : links) {
			if (paths.isEmpty() || rewritten || paths.stream().anyMatch(link::appliesTo)) {
				chosen.add(new EdgePipeline.Link(link.linkType(), link, link.settings(paths)));
				rewritten |= link.rewritesPath();
			}
		}
		Map<String, Object> route = new LinkedHashMap<>();
		route.put("kind", kind);
		if (method != null) {
			route.put("method", method);
		}
		route.put("paths", paths.isEmpty() ? List.of("any other path") : paths);
		route.putAll(settings);
		chosen.add(new EdgePipeline.Link(EdgeLinkType.ROUTE, null, route));
		return new EdgePipeline(name, kind, method, paths, List.copyOf(chosen));
	}

	/** Every pipeline by route name, {@value #DEFAULT} last. */
	public Map<String, EdgePipeline> pipelines() {
		return this.pipelines;
	}

	/**
	 * Whether the pipelines' security link runs the edge's security chain without Spring
	 * Security's filter chain proxy ({@code DirectSecurityChain}): true when the first
	 * chain is the edge's, which matches every exchange.
	 */
	public boolean runsSecurityDirectly() {
		return this.pipelines.get(DEFAULT)
			.links()
			.stream()
			.anyMatch((link) -> link.filter() instanceof SecurityLink security && security.runsDirectly());
	}

	/** Whether {@code filter} runs inside the pipelines (so not on its own). */
	public boolean absorbs(WebFilter filter) {
		return this.absorbed.contains(filter);
	}

	/** The pipelines as one web filter: the edge chain. */
	public WebFilter webFilter() {
		return this.webFilter;
	}

	private Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		List<Matcher> reduced = this.reduced;
		if (!reduced.isEmpty()) {
			PathContainer path = exchange.getRequest().getPath().pathWithinApplication();
			for (int i = 0; i < reduced.size(); i++) {
				Matcher matcher = reduced.get(i);
				if (matcher.pattern.matches(path)) {
					return matcher.runner.run(exchange, chain);
				}
			}
		}
		return this.full.run(exchange, chain);
	}

	private record Matcher(PathPattern pattern, EdgePipeline.Runner runner) {
	}

	/**
	 * The pipelines in the web handler's filter chain. Spring's chain names each filter
	 * it runs in a checkpoint, with the filter's {@code toString()}, on every request: a
	 * constant name costs nothing, where a lambda's (its class name and identity hash)
	 * was built anew each time.
	 */
	private final class PipelinesWebFilter implements WebFilter {

		@Override
		public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
			return EdgePipelines.this.filter(exchange, chain);
		}

		@Override
		public String toString() {
			return "EdgePipelines";
		}

	}

	/**
	 * A link that runs a web filter it does not own (Spring Security's filter chain
	 * proxy, a BFF's own filter): the pipeline takes that filter's place in the web
	 * handler's list.
	 */
	public interface DelegatingLink extends EdgeChainLink {

		/** The filter this link runs. */
		WebFilter delegate();

	}

}
