package io.ftgo.edge.gateway.support;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.springframework.cloud.gateway.config.GatewayProperties;
import org.springframework.cloud.gateway.handler.predicate.PredicateDefinition;
import org.springframework.cloud.gateway.route.RouteDefinition;

import io.ftgo.edge.composition.Composition;
import io.ftgo.edge.composition.RequestLine;
import io.ftgo.edge.gateway.filter.RouteParametersGlobalFilter;

/**
 * Every endpoint a BFF serves, as declared: each path pattern of each proxied route and
 * each composed endpoint, with its method, path variables and accepted query parameters.
 * Tests that must cover every endpoint (header spoofing, malformed parameters) read their
 * list from here, so a new endpoint cannot escape them.
 */
public final class EdgeEndpoints {

	private static final Pattern VARIABLE = Pattern.compile("\\{([^}/:*]+)[^}]*}");

	private EdgeEndpoints() {
	}

	/**
	 * One endpoint.
	 *
	 * @param kind {@code route}, {@code composition} or {@code transcoded}
	 * @param id the route id or composition name
	 * @param method the HTTP method; {@code GET} for a route without a method predicate
	 * @param path the path pattern, e.g. {@code /api/web/orders/{orderId}}
	 * @param pathVariables the names of its path variables
	 * @param queryParameters the query parameters it accepts
	 */
	public record Endpoint(String kind, String id, String method, String path, Set<String> pathVariables,
			Set<String> queryParameters) {

		@Override
		public String toString() {
			return this.method + " " + this.path + " (" + this.kind + " " + this.id + ")";
		}

	}

	/**
	 * The endpoints of an application.
	 * @param gateway the proxied routes (may be null)
	 * @param compositions the composed endpoints
	 * @return every endpoint
	 */
	public static List<Endpoint> of(GatewayProperties gateway, Map<String, Composition> compositions) {
		return of(gateway, compositions, null);
	}

	/**
	 * The endpoints of an application, its transcoded routes (HTTP to gRPC) included.
	 * @param gateway the proxied routes (may be null)
	 * @param compositions the composed endpoints
	 * @param transcoding the transcoded routes (may be null)
	 * @return every endpoint
	 */
	public static List<Endpoint> of(GatewayProperties gateway, Map<String, Composition> compositions,
			io.ftgo.edge.gateway.transcoding.EdgeTranscodingProperties transcoding) {
		List<Endpoint> endpoints = new ArrayList<>();
		if (transcoding != null && transcoding.enabled()) {
			transcoding.routes().forEach((id, route) -> {
				RequestLine request = RequestLine.parse("edge.transcoding.routes." + id + ".request", route.request());
				endpoints.add(new Endpoint("transcoded", id, request.method(), request.path(),
						variables(request.path()), Set.of()));
			});
		}
		if (gateway != null) {
			for (RouteDefinition route : gateway.getRoutes()) {
				List<String> paths = new ArrayList<>();
				String method = "GET";
				for (PredicateDefinition predicate : route.getPredicates()) {
					if ("Path".equals(predicate.getName())) {
						paths.addAll(predicate.getArgs().values());
					}
					if ("Method".equals(predicate.getName()) && !predicate.getArgs().isEmpty()) {
						method = predicate.getArgs().values().iterator().next();
					}
				}
				Set<String> declared = RouteParametersGlobalFilter.types("route " + route.getId(), route.getMetadata())
					.keySet();
				for (String path : paths) {
					Set<String> variables = variables(path);
					Set<String> query = new LinkedHashSet<>(declared);
					query.removeAll(variables);
					endpoints.add(new Endpoint("route", route.getId(), method, path, variables, Set.copyOf(query)));
				}
			}
		}
		compositions.forEach((name, composition) -> {
			RequestLine request = RequestLine.parse("edge.compositions." + name + ".request",
					composition.explain().request());
			String path = request.path();
			Set<String> variables = variables(path);
			Set<String> query = new LinkedHashSet<>(composition.explain().parameters().keySet());
			query.removeAll(variables);
			endpoints.add(new Endpoint("composition", name, request.method(), path, variables, Set.copyOf(query)));
		});
		return List.copyOf(endpoints);
	}

	private static Set<String> variables(String path) {
		Set<String> names = new LinkedHashSet<>();
		Matcher m = VARIABLE.matcher(path);
		while (m.find()) {
			names.add(m.group(1));
		}
		return names;
	}

}
