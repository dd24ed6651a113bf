package io.ftgo.edge.gateway.tracing;

import io.ftgo.edge.gateway.graphql.EdgeGraphQlProperties;
import io.micrometer.observation.ObservationFilter;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;

/**
 * The server observation ({@code http.server.requests}) is the one timer per request: it
 * carries the route as a tag ({@link RouteTagObservationFilter}).
 */
@AutoConfiguration
@ConditionalOnClass(ObservationFilter.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
public class EdgeObservationAutoConfiguration {

	@Bean
	RouteTagObservationFilter edgeRouteTagObservationFilter(ObjectProvider<EdgeGraphQlProperties> graphQl) {
		EdgeGraphQlProperties properties = graphQl.getIfAvailable();
		return new RouteTagObservationFilter((properties != null) ? properties.path() : null);
	}

}
