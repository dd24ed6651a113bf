package io.ftgo.edge.security.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import org.springframework.http.HttpMethod;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.security.web.server.util.matcher.OrServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatchers;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A rule's matcher matches what Spring Security's {@code pathMatchers} match, with the
 * same variables, for every method and path tried.
 */
class PathRuleMatcherTests {

	static final List<String> PATHS = List.of("/", "/api/web/orders/7001", "/api/web/orders/7001/", "/api/web",
			"/api/webx/1", "/actuator/health", "/actuator/health/liveness", "/actuator/prometheus", "/actuator/healthz",
			"/public/menus/501/menu", "/API/web/orders/1", "/api/web/orders/%37", "/a;b/c", "/api//web/orders/1");

	static final List<HttpMethod> METHODS = List.of(HttpMethod.GET, HttpMethod.POST, HttpMethod.HEAD, HttpMethod.DELETE,
			HttpMethod.OPTIONS);

	@Test
	void sameAsSpringSecuritysPathMatchers() {
		same(new PathRuleMatcher(Set.of(HttpMethod.GET),
				List.of("/actuator/health", "/actuator/health/**", "/actuator/prometheus")),
				ServerWebExchangeMatchers.pathMatchers(HttpMethod.GET, "/actuator/health", "/actuator/health/**",
						"/actuator/prometheus"));
		same(new PathRuleMatcher(Set.of(), List.of("/api/web/**")),
				ServerWebExchangeMatchers.pathMatchers("/api/web/**"));
		same(new PathRuleMatcher(Set.of(), List.of("/api/web/orders/{id}")),
				ServerWebExchangeMatchers.pathMatchers("/api/web/orders/{id}"));
		same(new PathRuleMatcher(Set.of(HttpMethod.POST, HttpMethod.DELETE), List.of("/api/web/orders/{id}")),
				new OrServerWebExchangeMatcher(
						ServerWebExchangeMatchers.pathMatchers(HttpMethod.POST, "/api/web/orders/{id}"),
						ServerWebExchangeMatchers.pathMatchers(HttpMethod.DELETE, "/api/web/orders/{id}")));
		same(new PathRuleMatcher(Set.of(), List.of("api/web/**")),
				ServerWebExchangeMatchers.pathMatchers("api/web/**"));
	}

	private static void same(ServerWebExchangeMatcher edge, ServerWebExchangeMatcher spring) {
		List<String> tried = new ArrayList<>();
		for (HttpMethod method : METHODS) {
			for (String path : PATHS) {
				MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.method(method, path));
				ServerWebExchangeMatcher.MatchResult ours = edge.matches(exchange).block();
				ServerWebExchangeMatcher.MatchResult theirs = spring.matches(exchange).block();
				assertThat(ours.isMatch()).as(method + " " + path).isEqualTo(theirs.isMatch());
				assertThat(ours.getVariables()).as(method + " " + path).isEqualTo(theirs.getVariables());
				if (ours.isMatch()) {
					tried.add(method + " " + path);
				}
			}
		}
		assertThat(tried).isNotEmpty();
	}

}
