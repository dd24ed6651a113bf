package io.ftgo.edge.gateway.tracing;

import io.micrometer.common.KeyValue;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationFilter;

import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.http.server.reactive.observation.ServerRequestObservationContext;

/**
 * Adds the low-cardinality tag {@value #ROUTE} to {@code http.server.requests}, so the
 * one server timer per request also gives per-route figures and the gateway's own request
 * timer ({@code spring.cloud.gateway.requests}) can be off. The value is the proxied
 * route's id, the composed endpoint's name, {@code graphql} for the GraphQL endpoint, or
 * {@value #NONE} (an unrouted request: a 404, the session endpoints, a request refused
 * before routing). It is read from the exchange when the observation stops: one attribute
 * lookup per request, no extra meter.
 */
public final class RouteTagObservationFilter implements ObservationFilter {

	/** The tag name. */
	public static final String ROUTE = "route";

	/** The tag value of a request that matched no route. */
	public static final String NONE = "none";

	private static final String COMPOSITION_ATTR = "io.ftgo.edge.composition";

	private static final KeyValue NO_ROUTE = KeyValue.of(ROUTE, NONE);

	private static final KeyValue GRAPHQL = KeyValue.of(ROUTE, "graphql");

	private final String graphQlPath;

	/**
	 * @param graphQlPath the GraphQL endpoint's path, or {@code null} without one
	 */
	public RouteTagObservationFilter(String graphQlPath) {
		this.graphQlPath = graphQlPath;
	}

	@Override
	public Observation.Context map(Observation.Context context) {
		if (context instanceof ServerRequestObservationContext server) {
			server.addLowCardinalityKeyValue(route(server));
		}
		return context;
	}

	private KeyValue route(ServerRequestObservationContext server) {
		Object route = server.getAttributes().get(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR);
		if (route instanceof Route r) {
			return KeyValue.of(ROUTE, r.getId());
		}
		Object composition = server.getAttributes().get(COMPOSITION_ATTR);
		if (composition != null) {
			return KeyValue.of(ROUTE, composition.toString());
		}
		if (this.graphQlPath != null && server.getCarrier() != null
				&& this.graphQlPath.equals(server.getCarrier().getPath().pathWithinApplication().value())) {
			return GRAPHQL;
		}
		return NO_ROUTE;
	}

}
