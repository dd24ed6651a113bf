package io.ftgo.edge.gateway.pipeline;

import java.util.List;
import java.util.Map;

import org.springframework.core.Ordered;
import org.springframework.web.server.WebFilter;

/**
 * A link of the edge pipeline: a web filter that says which link of the definition
 * ({@link EdgeLinkType}) it is, whether a route needs it, and with which settings. Its
 * order is the link's. On the application port every link runs inside its route's
 * {@link EdgePipeline}; a port without the pipeline (the management port) runs the same
 * beans as plain web filters, in the same order.
 */
public interface EdgeChainLink extends WebFilter, Ordered {

	/** Which link this is. */
	EdgeLinkType linkType();

	@Override
	default int getOrder() {
		return linkType().order();
	}

	/**
	 * Whether a request whose path matches {@code pathPattern} may need this link. Only
	 * {@code false} when no such request can: links decide from the path, so a route
	 * whose pattern cannot overlap the link's paths carries no link for it (see
	 * {@link PathOverlap}).
	 * @param pathPattern a route's path pattern, e.g. {@code /api/web/orders/{orderId}}
	 */
	default boolean appliesTo(String pathPattern) {
		return true;
	}

	/**
	 * Whether this link may hand the rest of the pipeline a request with another path
	 * (e.g. an API version served by its successor): the links after it are then kept on
	 * every route that carries it.
	 */
	default boolean rewritesPath() {
		return false;
	}

	/**
	 * The link's settings as they apply to a route, for {@code /actuator/pipelines}.
	 * @param pathPatterns the route's path patterns, none for the pipeline of paths no
	 * route declares
	 */
	default Map<String, Object> settings(List<String> pathPatterns) {
		return Map.of();
	}

}
