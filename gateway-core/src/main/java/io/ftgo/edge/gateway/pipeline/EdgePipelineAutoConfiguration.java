package io.ftgo.edge.gateway.pipeline;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.webflux.autoconfigure.WebHttpHandlerBuilderCustomizer;
import org.springframework.cloud.gateway.config.GatewayProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.WebFilterChainProxy;
import org.springframework.security.web.server.firewall.HttpStatusExchangeRejectedHandler;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedHandler;
import org.springframework.security.web.server.firewall.ServerWebExchangeFirewall;
import org.springframework.security.web.server.firewall.StrictServerWebExchangeFirewall;
import org.springframework.web.server.WebFilter;

import io.ftgo.edge.composition.ProviderRegistry;
import io.ftgo.edge.composition.policy.ProviderSettings;
import io.ftgo.edge.gateway.composition.Compositions;
import io.ftgo.edge.gateway.composition.EdgeCompositionAutoConfiguration;
import io.ftgo.edge.gateway.config.EdgeGatewayAutoConfiguration;
import io.ftgo.edge.gateway.graphql.EdgeGraphQlAutoConfiguration;
import io.ftgo.edge.gateway.graphql.EdgeGraphQlProperties;
import io.ftgo.edge.gateway.ratelimit.EdgeRateLimitAutoConfiguration;
import io.ftgo.edge.gateway.session.EdgeSessionAutoConfiguration;
import io.ftgo.edge.gateway.session.EdgeSessionProperties;
import io.ftgo.edge.gateway.shedding.EdgeConcurrencyAutoConfiguration;
import io.ftgo.edge.gateway.support.EdgeEndpoints;
import io.ftgo.edge.gateway.transcoding.EdgeTranscodingAutoConfiguration;
import io.ftgo.edge.gateway.transcoding.EdgeTranscodingProperties;
import io.ftgo.edge.security.config.EdgeSecurityProperties;
import io.ftgo.edge.security.config.EdgeSecurityWebFilterChain;
import io.ftgo.edge.security.web.DirectSecurityChain;

/**
 * The edge pipeline of the application port ({@link EdgePipelines}): assembled once from
 * the application's links and routes, it replaces the link beans in the web handler's
 * filter list with one filter; {@code /actuator/pipelines} shows it.
 */
@AutoConfiguration(after = { EdgeGatewayAutoConfiguration.class, EdgeCompositionAutoConfiguration.class,
		EdgeRateLimitAutoConfiguration.class, EdgeConcurrencyAutoConfiguration.class,
		EdgeSessionAutoConfiguration.class, EdgeGraphQlAutoConfiguration.class,
		EdgeTranscodingAutoConfiguration.class })
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
public class EdgePipelineAutoConfiguration {

	private static final Log logger = LogFactory.getLog(EdgePipelineAutoConfiguration.class);

	@Bean
	EdgePipelines edgePipelines(ObjectProvider<EdgeChainLink> links, ObjectProvider<WebFilterChainProxy> security,
			ObjectProvider<SecurityWebFilterChain> securityChains, ObjectProvider<ServerWebExchangeFirewall> firewall,
			ObjectProvider<ServerExchangeRejectedHandler> rejectedHandler,
			ObjectProvider<EdgeSecurityProperties> securityProperties, ObjectProvider<GatewayProperties> gateway,
			ObjectProvider<Compositions> compositions, ObjectProvider<EdgeGraphQlProperties> graphql,
			ObjectProvider<EdgeSessionProperties> sessions, ObjectProvider<EdgeTranscodingProperties> transcodings,
			ObjectProvider<ProviderRegistry> providers) {
		List<EdgeChainLink> all = new ArrayList<>(links.orderedStream().toList());
		DirectSecurityChain direct = directSecurityChain(securityChains, firewall, rejectedHandler);
		security.orderedStream()
			.forEach((proxy) -> all.add(new SecurityLink(proxy, direct, securityProperties.getIfAvailable())));
		Map<String, EdgePipelines.Route> routes = new LinkedHashMap<>();
		Compositions composed = compositions.getIfAvailable();
		EdgeTranscodingProperties transcoding = transcodings.getIfAvailable();
		ProviderRegistry registry = providers.getIfAvailable();
		for (EdgeEndpoints.Endpoint endpoint : EdgeEndpoints.of(gateway.getIfAvailable(),
				(composed != null) ? composed : Map.of(), transcoding)) {
			Map<String, Object> settings = Map.of();
			if ("transcoded".equals(endpoint.kind())) {
				// a transcoded route shows its gRPC method and provider, defaults applied
				EdgeTranscodingProperties.Route route = transcoding.routes().get(endpoint.id());
				ProviderSettings provider = (registry != null && route.from() != null) ? registry.provider(route.from())
						: null;
				settings = route.describe(endpoint.method(), (provider != null) ? provider.timeout() : null);
			}
			// one pipeline per route, for all of its path patterns
			routes.merge(endpoint.kind() + " " + endpoint.id(),
					new EdgePipelines.Route(endpoint.id(), endpoint.kind(), endpoint.method(), List.of(endpoint.path()),
							settings),
					(first, more) -> new EdgePipelines.Route(first.name(), first.kind(), first.method(),
							concat(first.paths(), more.paths()), first.settings()));
		}
		EdgeGraphQlProperties graphQl = graphql.getIfAvailable();
		if (graphQl != null) {
			routes.put("graphql", new EdgePipelines.Route("graphql", "endpoint", "GET|POST", List.of(graphQl.path())));
		}
		EdgeSessionProperties session = sessions.getIfAvailable();
		if (session != null && session.enabled()) {
			routes.put("session-endpoints",
					new EdgePipelines.Route("session-endpoints", "endpoint", null, List.of("/bff/**")));
		}
		return new EdgePipelines(all, List.copyOf(routes.values()));
	}

	/**
	 * The edge's security chain run directly, as the proxy would run it, when it is the
	 * chain the proxy selects for every exchange (the first, matching all): the proxy
	 * builds itself from the same beans (the chains in order, the unique firewall and
	 * rejected-exchange handler, else Spring Security's defaults). Otherwise null: the
	 * proxy runs.
	 */
	private static DirectSecurityChain directSecurityChain(ObjectProvider<SecurityWebFilterChain> chains,
			ObjectProvider<ServerWebExchangeFirewall> firewall,
			ObjectProvider<ServerExchangeRejectedHandler> rejectedHandler) {
		SecurityWebFilterChain first = chains.orderedStream().findFirst().orElse(null);
		if (!(first instanceof EdgeSecurityWebFilterChain edge)) {
			return null;
		}
		return new DirectSecurityChain(firewall.getIfUnique(StrictServerWebExchangeFirewall::new),
				rejectedHandler.getIfUnique(HttpStatusExchangeRejectedHandler::new), edge.filters());
	}

	private static List<String> concat(List<String> first, List<String> more) {
		List<String> all = new ArrayList<>(first);
		all.addAll(more);
		return List.copyOf(all);
	}

	/**
	 * The application port's web handler runs the pipeline in place of the link beans (at
	 * the place of the first of them). Other web filters keep their places around it.
	 */
	@Bean
	WebHttpHandlerBuilderCustomizer edgePipelineWebHandler(EdgePipelines pipelines) {
		return (builder) -> builder.filters((filters) -> {
			int first = -1;
			for (int i = 0; i < filters.size(); i++) {
				if (pipelines.absorbs(filters.get(i))) {
					first = (first < 0) ? i : first;
				}
				else if (first >= 0 && i < lastAbsorbed(filters, pipelines)) {
					logger.warn("The web filter " + describe(filters.get(i))
							+ " sits between links of the edge pipeline; it now runs after them");
				}
			}
			if (first < 0) {
				return;
			}
			filters.removeIf(pipelines::absorbs);
			filters.add(first, pipelines.webFilter());
		});
	}

	private static int lastAbsorbed(List<WebFilter> filters, EdgePipelines pipelines) {
		for (int i = filters.size() - 1; i >= 0; i--) {
			if (pipelines.absorbs(filters.get(i))) {
				return i;
			}
		}
		return -1;
	}

	private static String describe(WebFilter filter) {
		String order = (filter instanceof Ordered ordered) ? " (order " + ordered.getOrder() + ")" : "";
		return filter.getClass().getName() + order;
	}

	@Bean
	@ConditionalOnAvailableEndpoint
	PipelinesEndpoint pipelinesEndpoint(EdgePipelines pipelines) {
		return new PipelinesEndpoint(pipelines);
	}

}
