package io.ftgo.edge.gateway.pipeline;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import reactor.core.publisher.Mono;

import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

import io.ftgo.edge.security.config.EdgeSecurityProperties;
import io.ftgo.edge.security.web.DirectSecurityChain;

/**
 * Authentication and authorization as a link: Spring Security's filter chain proxy (the
 * {@code security} module's chain: bearer JWT, partner API key, scope rules, security
 * headers), run where Spring Security would run it: the edge's own chain
 * ({@code EdgeSecurityWebFilterChain}) directly ({@link DirectSecurityChain}), another
 * chain through the proxy. Every route carries it: a credential may arrive on any route,
 * and a bad one gets 401 even where the rules permit anonymous callers.
 */
final class SecurityLink implements EdgePipelines.DelegatingLink {

	private final WebFilter proxy;

	private final DirectSecurityChain direct;

	private final EdgeSecurityProperties properties;

	SecurityLink(WebFilter proxy, EdgeSecurityProperties properties) {
		this(proxy, null, properties);
	}

	/**
	 * @param proxy Spring Security's filter chain proxy (whose place the pipeline takes)
	 * @param direct the edge's chain run without the proxy's per-request choice of a
	 * chain, or null to run the proxy
	 * @param properties the edge's security settings
	 */
	SecurityLink(WebFilter proxy, DirectSecurityChain direct, EdgeSecurityProperties properties) {
		this.proxy = proxy;
		this.direct = direct;
		this.properties = properties;
	}

	@Override
	public EdgeLinkType linkType() {
		return EdgeLinkType.SECURITY;
	}

	/** Whether the edge's chain runs without the proxy. */
	boolean runsDirectly() {
		return this.direct != null;
	}

	@Override
	public WebFilter delegate() {
		return this.proxy;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		return (this.direct != null) ? this.direct.filter(exchange, chain) : this.proxy.filter(exchange, chain);
	}

	@Override
	public Map<String, Object> settings(List<String> pathPatterns) {
		Map<String, Object> settings = new LinkedHashMap<>();
		if (this.properties == null) {
			return settings;
		}
		List<String> authentication = new ArrayList<>();
		if (this.properties.jwt().enabled()) {
			authentication.add("bearer JWT");
		}
		if (!this.properties.apiKeys().keys().isEmpty()) {
			authentication.add("API key (" + this.properties.apiKeys().header() + ")");
		}
		settings.put("authentication", authentication);
		List<Map<String, Object>> rules = new ArrayList<>();
		for (EdgeSecurityProperties.Rule rule : this.properties.rules()) {
			if (PathOverlap.mayOverlapAny(pathPatterns, rule.path())) {
				Map<String, Object> described = new LinkedHashMap<>();
				described.put("path", rule.path());
				if (!rule.methods().isEmpty()) {
					described.put("methods", rule.methods());
				}
				described.put("access", rule.permitAll() ? "permit-all" : "scopes " + rule.scopes());
				rules.add(described);
			}
		}
		settings.put("rules", rules);
		settings.put("otherwise", "authenticated");
		return settings;
	}

}
