package io.ftgo.edge.gateway.filter;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import reactor.core.publisher.Mono;

import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.Ordered;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.ServerWebExchange;

import io.ftgo.edge.composition.ParameterType;
import io.ftgo.edge.security.config.InvalidEdgeConfigurationException;
import io.ftgo.edge.security.web.Problems;

/**
 * Typed parameters of proxied routes. A route declares the type of its path variables and
 * of the query parameters it accepts in its metadata ({@link ParameterType} specs):
 *
 * <pre>
 * - id: web-restaurants
 *   predicates: [ "Path=/api/web/restaurants/{id}" ]
 *   metadata:
 *     parameters: { id: id }
 * </pre>
 *
 * A path variable without a declared type is a {@code token}; a query parameter the route
 * does not declare, or one given more than once, is refused. A refused request gets 400
 * problem+json ({@code invalid_parameter}) naming the parameter and the expectation, and
 * the provider is not called.
 */
public class RouteParametersGlobalFilter implements GlobalFilter, Ordered {

	/** The route metadata key holding the parameter types. */
	public static final String METADATA_KEY = "parameters";

	/** Before every routing filter: a refused request reaches nothing. */
	public static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 100;

	private static final Pattern PLAIN_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

	private final Map<String, Map<String, ParameterType>> types = new ConcurrentHashMap<>();

	@Override
	public int getOrder() {
		return ORDER;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
		Route route = exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR);
		if (route == null) {
			return chain.filter(exchange);
		}
		Map<String, ParameterType> declared = this.types.computeIfAbsent(route.getId(),
				(id) -> types("route " + id, route.getMetadata()));
		String refused = refused(exchange, declared);
		if (refused == null) {
			return chain.filter(exchange);
		}
		return Problems.write(exchange, HttpStatus.BAD_REQUEST, refused, "invalid_parameter");
	}

	private static String refused(ServerWebExchange exchange, Map<String, ParameterType> declared) {
		Map<String, String> variables = ServerWebExchangeUtils.getUriTemplateVariables(exchange);
		for (Map.Entry<String, String> variable : variables.entrySet()) {
			ParameterType type = declared.getOrDefault(variable.getKey(), ParameterType.TOKEN);
			if (!type.accepts(variable.getValue())) {
				return "Parameter '" + variable.getKey() + "' must be " + type.expectation();
			}
		}
		for (Map.Entry<String, List<String>> query : exchange.getRequest().getQueryParams().entrySet()) {
			String name = query.getKey();
			ParameterType type = variables.containsKey(name) ? null : declared.get(name);
			if (type == null) {
				List<String> accepted = declared.keySet().stream().filter((n) -> !variables.containsKey(n)).toList();
				return (PLAIN_NAME.matcher(name).matches() ? "Unknown parameter '" + name + "'" : "Unknown parameter")
						+ " (expected only: " + accepted + ")";
			}
			if (query.getValue().size() > 1) {
				return "Parameter '" + name + "' must be given at most once";
			}
			if (!type.accepts(query.getValue().get(0))) {
				return "Parameter '" + name + "' must be " + type.expectation();
			}
		}
		return null;
	}

	/**
	 * The parameter types declared in a route's metadata.
	 * @param key where the route is configured, for messages
	 * @param metadata the route's metadata
	 * @return parameter name → type
	 * @throws InvalidEdgeConfigurationException naming the key when a spec is bad
	 */
	public static Map<String, ParameterType> types(String key, Map<String, Object> metadata) {
		Object parameters = (metadata != null) ? metadata.get(METADATA_KEY) : null;
		if (parameters == null) {
			return Map.of();
		}
		if (!(parameters instanceof Map<?, ?> map)) {
			throw new InvalidEdgeConfigurationException(key + ".metadata." + METADATA_KEY, parameters,
					"a map of parameter name to type, e.g. { id: id }");
		}
		Map<String, ParameterType> types = new LinkedHashMap<>();
		map.forEach((name, spec) -> {
			String specKey = key + ".metadata." + METADATA_KEY + "." + name;
			try {
				types.put(String.valueOf(name), ParameterType.parse(specKey, String.valueOf(spec)));
			}
			catch (IllegalArgumentException ex) {
				throw new InvalidEdgeConfigurationException(specKey, spec,
						"id, integer(min..max), enum(A|B|...), pattern(<regex>) or token");
			}
		});
		return Map.copyOf(types);
	}

}
