package io.ftgo.edge.gateway.transcoding;

import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

import io.ftgo.edge.composition.CompositionEngine;
import io.ftgo.edge.composition.ProviderRegistry;
import io.ftgo.edge.composition.RequestLine;
import io.ftgo.edge.composition.grpc.GrpcServices;
import io.ftgo.edge.composition.grpc.GrpcTarget;
import io.ftgo.edge.composition.policy.ProviderSettings;
import io.ftgo.edge.gateway.composition.EdgeCompositionAutoConfiguration;
import io.ftgo.edge.gateway.support.ProviderHeaders;
import io.ftgo.edge.security.IdentityPropagation;
import io.ftgo.edge.security.config.InvalidEdgeConfigurationException;

/**
 * Transcoded routes from YAML ({@code edge.transcoding.routes}), validated at start-up:
 * the request line, a {@code transport: grpc} provider, a unary method it offers, and
 * inputs that read only path variables and the principal.
 */
@AutoConfiguration(after = EdgeCompositionAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
@EnableConfigurationProperties(EdgeTranscodingProperties.class)
public class EdgeTranscodingAutoConfiguration {

	private static final Pattern REFERENCE = Pattern.compile("\\{([^}]+)}");

	@Bean
	RouterFunction<ServerResponse> edgeTranscodedRoutes(EdgeTranscodingProperties properties,
			ProviderRegistry providers, CompositionEngine engine, ObjectProvider<IdentityPropagation> propagations,
			ObjectProvider<JsonMapper> json) {
		JsonMapper mapper = json.getIfAvailable(() -> JsonMapper.builder().build());
		IdentityPropagation propagation = propagations.getIfAvailable(() -> new IdentityPropagation(
				new io.ftgo.edge.security.config.EdgeSecurityProperties.Propagation(true, null), null));
		ProviderHeaders headers = new ProviderHeaders(propagation);
		RouterFunctions.Builder routes = RouterFunctions.route();
		Map<String, EdgeTranscodingProperties.Route> configured = properties.enabled() ? properties.routes() : Map.of();
		configured.forEach((id, route) -> {
			String key = "edge.transcoding.routes." + id;
			if (route == null) {
				throw new InvalidEdgeConfigurationException(key, "null", "request, from and grpc");
			}
			RequestLine line = RequestLine.parse(key + ".request", route.request());
			ProviderSettings provider = (route.from() != null) ? providers.provider(route.from()) : null;
			if (provider == null) {
				throw new InvalidEdgeConfigurationException(key + ".from", route.from(),
						"a provider id of edge.providers " + providers.names());
			}
			if (!provider.isGrpc()) {
				throw new InvalidEdgeConfigurationException(key + ".from", route.from(),
						"a provider with transport: grpc (fix: set edge.providers." + route.from()
								+ ".transport: grpc and its grpc.target)");
			}
			GrpcServices.of(provider).method(key + ".grpc", route.grpc());
			String target = GrpcTarget.template(key + ".grpc", route.grpc(), route.input());
			Matcher references = REFERENCE.matcher(target);
			while (references.find()) {
				String reference = references.group(1).trim();
				if (!reference.startsWith("principal.") && !line.path().contains("{" + reference + "}")) {
					throw new InvalidEdgeConfigurationException(key + ".input", "{" + reference + "}",
							"a path variable of " + line.path() + " or principal.<attribute>");
				}
			}
			boolean body = route.bodyFor(line.method());
			boolean idempotent = route.idempotentFor(line.method());
			if (idempotent && body) {
				throw new InvalidEdgeConfigurationException(key + ".idempotent", "true",
						"false for a route with a body (idempotent calls are reads without one)");
			}
			int status = route.statusOrDefault();
			if (status < 200 || status > 299) {
				throw new InvalidEdgeConfigurationException(key + ".status", String.valueOf(status),
						"a 2xx status, e.g. 200 or 201");
			}
			Duration timeout = (route.timeout() != null) ? route.timeout() : provider.timeout();
			if (timeout.isNegative() || timeout.isZero()) {
				throw new InvalidEdgeConfigurationException(key + ".timeout", String.valueOf(timeout), "> 0");
			}
			routes.route(
					RequestPredicates.method(HttpMethod.valueOf(line.method()))
						.and(RequestPredicates.path(line.path())),
					new TranscodedRouteHandler(id, route.from(), target, body, idempotent, HttpStatus.valueOf(status),
							timeout, engine, headers, mapper));
		});
		routes.route((request) -> false, (request) -> ServerResponse.notFound().build());
		return routes.build();
	}

}
