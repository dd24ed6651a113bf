package io.ftgo.edge.security.config;

import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.web.server.WebFilter;

import io.ftgo.edge.security.SecurityTestApplication;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Pins the web filters of Spring Security's chain as a BFF configures it (bearer JWTs, no
 * API keys, scope rules: bff-web's and bff-mobile's settings), so a filter that comes
 * back with an upgrade, or one the edge adds, shows up here and in the security README's
 * list.
 */
@SpringBootTest(classes = SecurityTestApplication.class,
		properties = { "edge.security.jwt.issuer-uri=http://127.0.0.1:9/issuer",
				"edge.security.jwt.audiences[0]=ftgo-edge", "edge.security.rules[0].path=/api/web/**",
				"edge.security.rules[0].scopes[0]=web", "edge.security.rules[1].path=/app/**",
				"edge.security.rules[1].permit-all=true" })
class SecurityWebFilterChainFiltersTests {

	@Autowired
	java.util.Map<String, SecurityWebFilterChain> chainBeans;

	@Test
	void bffChain_holdsOnlyTheFiltersTheEdgeUses() {
		// Spring Boot's resource-server auto-configuration builds a chain of its own too
		// (its condition looks for servlet security); it is never reached: the edge's
		// chain comes first and matches every exchange
		assertThat(this.chainBeans).containsOnlyKeys("edgeSecurityWebFilterChain", "reactiveJwtSecurityFilterChain");
		SecurityWebFilterChain edge = this.chainBeans.get("edgeSecurityWebFilterChain");
		List<String> filters = edge.getWebFilters().map(SecurityWebFilterChainFiltersTests::name).collectList().block();
		System.out.println("SecurityWebFilterChain filters: " + filters);
		// no CorsWebFilter here: a BFF has one, after HttpHeaderWriterWebFilter, because
		// gateway-core declares a CorsConfigurationSource
		assertThat(filters).containsExactly("ServerWebExchangeReactorContextWebFilter", "HttpHeaderWriterWebFilter",
				"AuthenticationWebFilter", "SecurityContextServerWebExchangeWebFilter", "ExceptionTranslationWebFilter",
				"AuthorizationWebFilter");
	}

	private static String name(WebFilter filter) {
		// the built chain holds the filters themselves (their order wrappers removed)
		return filter.getClass().getSimpleName();
	}

}
