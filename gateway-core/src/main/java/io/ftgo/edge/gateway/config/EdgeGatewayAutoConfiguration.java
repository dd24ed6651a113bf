package io.ftgo.edge.gateway.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.Set;

import io.micrometer.core.instrument.MeterRegistry;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.cloud.gateway.config.GatewayProperties;
import org.springframework.cloud.gateway.route.RouteDefinition;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpHeaders;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.reactive.CorsConfigurationSource;
import org.springframework.web.cors.reactive.UrlBasedCorsConfigurationSource;

import io.ftgo.edge.gateway.cache.EdgeCacheProperties;
import io.ftgo.edge.gateway.cache.ResponseCacheWebFilter;
import io.ftgo.edge.gateway.error.EdgeErrorWebExceptionHandler;
import io.ftgo.edge.gateway.filter.AccessLogWebFilter;
import io.ftgo.edge.gateway.filter.CaptureAuthenticationGlobalFilter;
import io.ftgo.edge.gateway.filter.ProviderRequestHeadersFilter;
import io.ftgo.edge.gateway.filter.RequestContextWebFilter;
import io.ftgo.edge.gateway.filter.RequestLimitsWebFilter;
import io.ftgo.edge.gateway.filter.ReservedHeadersWebFilter;
import io.ftgo.edge.gateway.filter.RouteParametersGlobalFilter;
import io.ftgo.edge.gateway.filter.UpstreamErrorGlobalFilter;
import io.ftgo.edge.gateway.support.ClientAddressResolver;
import io.ftgo.edge.gateway.support.ConnectionGuards;
import io.ftgo.edge.gateway.support.KeepAliveReadResume;
import io.ftgo.edge.gateway.support.ProviderHeaders;
import io.ftgo.edge.security.IdentityPropagation;
import io.ftgo.edge.security.config.EdgeSecurityAutoConfiguration;
import io.ftgo.edge.security.config.EdgeSettingsValidator;

/**
 * The edge every BFF gets by depending on {@code gateway-core}: routing (Spring Cloud
 * Gateway routes from YAML), composed endpoints, the edge chain, errors, limits and
 * observability.
 */
@AutoConfiguration(after = EdgeSecurityAutoConfiguration.class,
		beforeName = "org.springframework.boot.webflux.autoconfigure.error.ErrorWebFluxAutoConfiguration")
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
@Import(EdgeSettingsValidator.class)
@EnableConfigurationProperties({ EdgeClientAddressProperties.class, EdgeLimitsProperties.class,
		EdgeReservedHeadersProperties.class, EdgeResponseProperties.class, EdgeServerProperties.class,
		EdgeCorsProperties.class, EdgeCacheProperties.class })
public class EdgeGatewayAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	ClientAddressResolver clientAddressResolver(EdgeClientAddressProperties properties) {
		return new ClientAddressResolver(properties.trustedProxies());
	}

	@Bean
	AccessLogWebFilter edgeAccessLogWebFilter() {
		return new AccessLogWebFilter(JsonMapper.builder().build());
	}

	@Bean
	RequestContextWebFilter edgeRequestContextWebFilter(ClientAddressResolver clientAddresses) {
		return new RequestContextWebFilter(clientAddresses);
	}

	@Bean
	RequestLimitsWebFilter edgeRequestLimitsWebFilter(EdgeLimitsProperties limits) {
		return new RequestLimitsWebFilter(limits);
	}

	@Bean
	ReservedHeadersWebFilter edgeReservedHeadersWebFilter(EdgeReservedHeadersProperties reservedHeaders,
			EdgeResponseProperties response, ObjectProvider<IdentityPropagation> propagations,
			ClientAddressResolver clientAddresses) {
		return new ReservedHeadersWebFilter(identityHeaders(propagations.getIfAvailable()),
				reservedHeaders.toReservedHeaders(), response.stripped(), clientAddresses);
	}

	/**
	 * The identity headers the edge sets for providers, which no client may send.
	 * Credentials are not among them: they must reach authentication, and are dropped
	 * when calling providers.
	 */
	static Set<String> identityHeaders(IdentityPropagation propagation) {
		Set<String> identityHeaders = new LinkedHashSet<>();
		if (propagation != null) {
			identityHeaders.addAll(propagation.managedHeaders());
			identityHeaders.remove(HttpHeaders.AUTHORIZATION);
			identityHeaders.removeIf((header) -> header.equalsIgnoreCase(propagation.apiKeyHeader()));
		}
		return identityHeaders;
	}

	@Bean
	@ConditionalOnBean(IdentityPropagation.class)
	CaptureAuthenticationGlobalFilter captureAuthenticationGlobalFilter() {
		return new CaptureAuthenticationGlobalFilter();
	}

	@Bean
	@ConditionalOnMissingBean
	ProviderHeaders providerHeaders(ObjectProvider<IdentityPropagation> propagations) {
		return new ProviderHeaders(propagations.getIfAvailable());
	}

	@Bean
	ProviderRequestHeadersFilter providerRequestHeadersFilter(ProviderHeaders providerHeaders) {
		return new ProviderRequestHeadersFilter(providerHeaders);
	}

	@Bean
	@ConditionalOnMissingBean
	ResponseCacheWebFilter responseCacheWebFilter(EdgeCacheProperties properties,
			ObjectProvider<MeterRegistry> meters) {
		return new ResponseCacheWebFilter(properties, meters.getIfAvailable());
	}

	/**
	 * Keep-alive connections keep reading after every exchange: works around a Reactor
	 * Netty stall (see {@link KeepAliveReadResume}). The application port; a separate
	 * management port gets it from {@link EdgeManagementServerConfiguration}.
	 */
	@Bean
	NettyServerCustomizer edgeKeepAliveReadResume() {
		return KeepAliveReadResume::install;
	}

	/**
	 * Typed route parameters; every route's declared types are parsed here, so a bad spec
	 * stops start-up naming the route.
	 */
	@Bean
	RouteParametersGlobalFilter routeParametersGlobalFilter(ObjectProvider<GatewayProperties> gateway) {
		GatewayProperties properties = gateway.getIfAvailable();
		if (properties != null) {
			for (int i = 0; i < properties.getRoutes().size(); i++) {
				RouteDefinition route = properties.getRoutes().get(i);
				RouteParametersGlobalFilter.types("spring.cloud.gateway.server.webflux.routes[" + i + "]",
						route.getMetadata());
			}
		}
		return new RouteParametersGlobalFilter();
	}

	/**
	 * Slow and greedy clients: header and body timeouts, the connection cap, problem+json
	 * for Reactor Netty's own 400/414/431, and the keep-alive idle limit (see
	 * {@link ConnectionGuards}). The application port only: the management port is not
	 * exposed by the chart's Service.
	 */
	@Bean
	ConnectionGuards edgeConnectionGuards(EdgeServerProperties server) {
		return new ConnectionGuards(server.headerTimeout(), server.bodyTimeout(), server.maxConnections());
	}

	@Bean
	NettyServerCustomizer edgeConnectionGuardsCustomizer(ConnectionGuards guards, EdgeServerProperties settings) {
		Duration idle = settings.keepAliveIdle();
		return (server) -> guards.install(server.idleTimeout(idle));
	}

	@Bean
	UpstreamErrorGlobalFilter upstreamErrorGlobalFilter() {
		return new UpstreamErrorGlobalFilter();
	}

	@Bean
	@ConditionalOnMissingBean
	EdgeErrorWebExceptionHandler edgeErrorWebExceptionHandler(
			ObjectProvider<EdgeErrorWebExceptionHandler.ErrorMapper> mappers) {
		return new EdgeErrorWebExceptionHandler(new ArrayList<>(mappers.orderedStream().toList()));
	}

	@Bean
	@ConditionalOnMissingBean
	CorsConfigurationSource corsConfigurationSource(EdgeCorsProperties cors) {
		UrlBasedCorsConfigurationSource source = new UrlBasedCorsConfigurationSource();
		if (!cors.allowedOrigins().isEmpty()) {
			CorsConfiguration configuration = new CorsConfiguration();
			configuration.setAllowedOrigins(cors.allowedOrigins());
			configuration.setAllowedMethods(cors.allowedMethods());
			configuration.setAllowedHeaders(cors.allowedHeaders());
			configuration.setExposedHeaders(cors.exposedHeaders());
			configuration.setAllowCredentials(cors.allowCredentials());
			configuration.setMaxAge(cors.maxAge());
			source.registerCorsConfiguration("/**", configuration);
		}
		return source;
	}

}
