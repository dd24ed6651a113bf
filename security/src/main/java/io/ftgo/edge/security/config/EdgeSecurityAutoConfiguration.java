package io.ftgo.edge.security.config;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import reactor.core.publisher.Mono;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.reactive.EnableWebFluxSecurity;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.config.web.server.SecurityWebFiltersOrder;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.authentication.AuthenticationWebFilter;
import org.springframework.security.web.server.authentication.ServerAuthenticationEntryPointFailureHandler;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import org.springframework.security.web.server.context.ReactorContextWebFilter;
import org.springframework.security.web.server.firewall.ServerWebExchangeFirewall;
import org.springframework.security.web.server.savedrequest.NoOpServerRequestCache;
import org.springframework.security.web.server.savedrequest.ServerRequestCacheWebFilter;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatchers;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.server.WebFilter;

import io.ftgo.edge.security.IdentityPropagation;
import io.ftgo.edge.security.apikey.ApiKeyAuthenticationConverter;
import io.ftgo.edge.security.apikey.ApiKeyAuthenticationManager;
import io.ftgo.edge.security.jwt.EdgeJwtDecoders;
import io.ftgo.edge.security.web.BoundedBearerTokenConverter;
import io.ftgo.edge.security.web.EdgeAccessDeniedHandler;
import io.ftgo.edge.security.web.EdgeAuthenticationEntryPoint;
import io.ftgo.edge.security.web.EdgeFirewall;

/**
 * The edge's security chain, the same for every BFF: stateless (no session, no CSRF, no
 * login pages), bearer JWTs and partner API keys, scope rules from YAML, and problem+json
 * for 401 and 403. A BFF gets it by depending on {@code gateway-core}.
 */
@AutoConfiguration(beforeName = {
		"org.springframework.boot.security.autoconfigure.web.reactive.ReactiveWebSecurityAutoConfiguration",
		"org.springframework.boot.security.autoconfigure.ReactiveUserDetailsServiceAutoConfiguration",
		"org.springframework.boot.security.autoconfigure.actuate.web.reactive.ReactiveManagementWebSecurityAutoConfiguration",
		"org.springframework.boot.security.oauth2.server.resource.autoconfigure.reactive.ReactiveOAuth2ResourceServerAutoConfiguration",
		"org.springframework.boot.security.oauth2.server.resource.autoconfigure.web.reactive.ReactiveOAuth2ResourceServerWebSecurityAutoConfiguration" })
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
@Import(EdgeSettingsValidator.class)
@EnableConfigurationProperties(EdgeSecurityProperties.class)
@EnableWebFluxSecurity
public class EdgeSecurityAutoConfiguration {

	static final String REALM = "ftgo-edge";

	@Bean
	@ConditionalOnMissingBean
	EdgeJwtDecoders.Decoder edgeJwtDecoder(EdgeSecurityProperties configured,
			ObjectProvider<WebClient.Builder> webClientBuilder, Environment environment) {
		EdgeSecurityProperties properties = effective(configured, environment);
		if (!properties.jwt().enabled()) {
			return null;
		}
		WebClient webClient = webClientBuilder.getIfAvailable(WebClient::builder).build();
		EdgeJwtDecoders.Decoder decoder = EdgeJwtDecoders.create(properties.jwt(), webClient, Clock.systemUTC());
		// Warm the key cache without blocking start-up; failures are retried on first
		// use.
		decoder.keys().prefetch().subscribe(null, (ex) -> {
		});
		return decoder;
	}

	@Bean
	@ConditionalOnMissingBean
	ReactiveJwtDecoder reactiveJwtDecoder(ObjectProvider<EdgeJwtDecoders.Decoder> decoder) {
		EdgeJwtDecoders.Decoder available = decoder.getIfAvailable();
		return (available != null) ? available.decoder() : (token) -> reactor.core.publisher.Mono
			.error(new org.springframework.security.oauth2.jwt.BadJwtException("Bearer tokens are not accepted"));
	}

	/**
	 * No Micrometer observation around each security filter: per request they cost more
	 * than the filters (measured with the proxy benchmark); authentication outcomes show
	 * in the access log and in http.server.requests.
	 */
	@Bean
	@ConditionalOnMissingBean
	SecurityObservationSettings securityObservationSettings() {
		return SecurityObservationSettings.noObservations();
	}

	/**
	 * Spring Security's strict firewall, with its header rules as loops instead of
	 * regular expressions (see {@link EdgeFirewall}); Spring Security picks this bean up
	 * for its filter chain proxy.
	 */
	@Bean
	@ConditionalOnMissingBean
	ServerWebExchangeFirewall edgeFirewall() {
		return EdgeFirewall.create();
	}

	@Bean
	@ConditionalOnMissingBean
	IdentityPropagation identityPropagation(EdgeSecurityProperties properties) {
		return new IdentityPropagation(properties.propagation(), properties.apiKeys().header());
	}

	@Bean
	@ConditionalOnMissingBean
	SecurityWebFilterChain edgeSecurityWebFilterChain(ServerHttpSecurity http, EdgeSecurityProperties configured,
			ReactiveJwtDecoder jwtDecoder, Environment environment) {
		EdgeSecurityProperties properties = effective(configured, environment);
		Integer managementPort = environment.getProperty("management.server.port", Integer.class);
		Integer serverPort = environment.getProperty("server.port", Integer.class, 8080);
		boolean apiKeys = !properties.apiKeys().keys().isEmpty();
		EdgeAuthenticationEntryPoint entryPoint = new EdgeAuthenticationEntryPoint(REALM,
				apiKeys ? properties.apiKeys().header() : null);
		EdgeAccessDeniedHandler accessDenied = new EdgeAccessDeniedHandler(REALM);
		// CORS answers come from the application's CorsConfigurationSource bean, if any.
		http.cors((cors) -> {
		});
		http.csrf(ServerHttpSecurity.CsrfSpec::disable)
			.httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
			.formLogin(ServerHttpSecurity.FormLoginSpec::disable)
			.logout(ServerHttpSecurity.LogoutSpec::disable)
			.anonymous(ServerHttpSecurity.AnonymousSpec::disable)
			.requestCache((cache) -> cache.requestCache(NoOpServerRequestCache.getInstance()))
			.securityContextRepository(NoOpServerSecurityContextRepository.getInstance())
			// Cache headers belong to the response cache and the providers, not to
			// security.
			.headers((headers) -> headers.cache(ServerHttpSecurity.HeaderSpec.CacheSpec::disable))
			.exceptionHandling((ex) -> ex.authenticationEntryPoint(entryPoint).accessDeniedHandler(accessDenied))
			.authorizeExchange((exchanges) -> {
				// Probes and metrics are public; everything actuator serves on a separate
				// management port (internal: not in the Service) needs no token either.
				exchanges
					.matchers(new PathRuleMatcher(Set.of(HttpMethod.GET),
							List.of("/actuator/health", "/actuator/health/**", "/actuator/prometheus")))
					.permitAll();
				if (managementPort != null && managementPort > 0 && !managementPort.equals(serverPort)) {
					exchanges.matchers(onPort(managementPort)).permitAll();
				}
				for (EdgeSecurityProperties.Rule rule : properties.rules()) {
					ServerHttpSecurity.AuthorizeExchangeSpec.Access access = exchanges.matchers(matcher(rule));
					if (rule.permitAll()) {
						access.permitAll();
					}
					else {
						access.hasAnyAuthority(rule.scopes().stream().map((s) -> "SCOPE_" + s).toArray(String[]::new));
					}
				}
				exchanges.anyExchange().authenticated();
			});
		if (properties.jwt().enabled()) {
			http.oauth2ResourceServer((resourceServer) -> resourceServer
				.bearerTokenConverter(new BoundedBearerTokenConverter((int) properties.jwt().maxTokenSize().toBytes()))
				.authenticationEntryPoint(entryPoint)
				.accessDeniedHandler(accessDenied)
				.jwt((jwt) -> jwt.jwtDecoder(jwtDecoder)));
		}
		if (apiKeys) {
			ApiKeyAuthenticationConverter converter = new ApiKeyAuthenticationConverter(properties.apiKeys().header());
			AuthenticationWebFilter apiKeyFilter = new AuthenticationWebFilter(
					new ApiKeyAuthenticationManager(properties.apiKeys().keys()));
			apiKeyFilter.setServerAuthenticationConverter(converter);
			apiKeyFilter.setRequiresAuthenticationMatcher(ServerWebExchangeMatchers
				.matchers((exchange) -> exchange.getRequest().getHeaders().containsHeader(converter.header())
						? ServerWebExchangeMatcher.MatchResult.match()
						: ServerWebExchangeMatcher.MatchResult.notMatch()));
			apiKeyFilter.setAuthenticationFailureHandler(new ServerAuthenticationEntryPointFailureHandler(entryPoint));
			http.addFilterAt(apiKeyFilter, SecurityWebFiltersOrder.AUTHENTICATION);
		}
		return withoutNoOpFilters(http.build());
	}

	/**
	 * The built chain without the filters that do nothing for a stateless edge, which
	 * Spring Security adds whatever is configured: {@code ReactorContextWebFilter} (it
	 * loads the security context from the repository, here the no-op one: always empty)
	 * and {@code ServerRequestCacheWebFilter} (it replays a saved request from the
	 * request cache, here the no-op one: never any). Each cost a Reactor stage and a
	 * context write per request; the security module's README lists what stays.
	 * @param built the chain as {@link ServerHttpSecurity#build()} returns it
	 * @return the same chain, same order, for every exchange, without those filters
	 */
	static SecurityWebFilterChain withoutNoOpFilters(SecurityWebFilterChain built) {
		List<WebFilter> kept = new ArrayList<>();
		// the built chain's filters are a list: this completes synchronously
		built.getWebFilters()
			.filter((filter) -> !(filter instanceof ReactorContextWebFilter)
					&& !(filter instanceof ServerRequestCacheWebFilter))
			.subscribe(kept::add);
		return new EdgeSecurityWebFilterChain(kept);
	}

	private static EdgeSecurityProperties effective(EdgeSecurityProperties configured, Environment environment) {
		return configured.withIssuerFallback(
				environment.getProperty("spring.security.oauth2.resourceserver.jwt.issuer-uri", java.net.URI.class));
	}

	private static ServerWebExchangeMatcher onPort(int port) {
		Mono<ServerWebExchangeMatcher.MatchResult> match = ServerWebExchangeMatcher.MatchResult.match();
		Mono<ServerWebExchangeMatcher.MatchResult> notMatch = ServerWebExchangeMatcher.MatchResult.notMatch();
		return (exchange) -> {
			java.net.InetSocketAddress local = exchange.getRequest().getLocalAddress();
			return (local != null && local.getPort() == port) ? match : notMatch;
		};
	}

	private static ServerWebExchangeMatcher matcher(EdgeSecurityProperties.Rule rule) {
		Set<HttpMethod> methods = new LinkedHashSet<>();
		for (String method : rule.methods()) {
			methods.add(HttpMethod.valueOf(method.toUpperCase(Locale.ROOT)));
		}
		return new PathRuleMatcher(methods, List.of(rule.path()));
	}

}
