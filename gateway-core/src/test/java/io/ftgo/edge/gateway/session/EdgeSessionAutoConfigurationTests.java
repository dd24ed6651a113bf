package io.ftgo.edge.gateway.session;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.core.Ordered;

import io.ftgo.edge.gateway.support.EdgeFilterOrder;
import io.ftgo.edge.security.config.InvalidEdgeConfigurationException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Wiring and start-up validation of browser session mode: off by default; bad values stop
 * the context naming the key; {@code returnTo} checking.
 */
class EdgeSessionAutoConfigurationTests {

	final ReactiveWebApplicationContextRunner runner = new ReactiveWebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(EdgeSessionAutoConfiguration.class, DataRedisAutoConfiguration.class));

	final String[] valid = { "edge.session.enabled=true", "edge.session.client-id=bff-web",
			"edge.session.client-secret=s3cret", "edge.security.jwt.issuer-uri=http://localhost:1" };

	@Test
	void notEnabled_noFilter() {
		this.runner.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(BrowserSessionWebFilter.class));
	}

	@Test
	void enabled_filterAndInMemoryStore_issuerFromTheResourceServer() {
		this.runner.withPropertyValues(this.valid).run((context) -> {
			assertThat(context).hasNotFailed().hasSingleBean(BrowserSessionWebFilter.class);
			assertThat(context.getBean(SessionStore.class)).isInstanceOf(InMemorySessionStore.class);
		});
	}

	@Test
	void order_sessionsBeforeAuthentication_endpointsAfterTheRateLimit() {
		this.runner.withPropertyValues(this.valid).run((context) -> {
			BrowserSessionWebFilter sessions = context.getBean(BrowserSessionWebFilter.class);
			assertThat(sessions.getOrder()).isGreaterThan(EdgeFilterOrder.HYGIENE).isLessThan(EdgeFilterOrder.SECURITY);
			assertThat(((Ordered) sessions.endpoints()).getOrder()).isGreaterThan(EdgeFilterOrder.RATE_LIMIT)
				.isLessThan(EdgeFilterOrder.RESPONSE_CACHE);
		});
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|',
			textBlock = """
					edge.session.client-secret=         | edge.session.client-secret: <missing> (expected: the client secret (e.g. from an environment variable or a Kubernetes Secret))
					edge.session.client-id=             | edge.session.client-id:  (expected: this BFF's client id at the identity provider, e.g. bff-web)
					edge.session.scopes=web             | edge.session.scopes: [web] (expected: a list that contains openid)
					edge.session.api-paths=api/**       | edge.session.api-paths: [api/**] (expected: one or more path patterns starting with /, e.g. /api/web/**)
					edge.session.public-origin=https://ftgo.example/app | edge.session.public-origin: https://ftgo.example/app (expected: scheme://host[:port] with no path, e.g. https://ftgo.example)
					edge.session.cookie.name=a;b        | edge.session.cookie.name: a;b (expected: letters, digits, '-' or '_' (the __Host- prefix is added))
					edge.session.idle-timeout=10s       | edge.session.idle-timeout: PT10S (expected: between PT1M and PT24H)
					""")
	void badValue_startFails_messageNamesTheKey(String property, String message) {
		this.runner.withPropertyValues(this.valid).withPropertyValues(property).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidEdgeConfigurationException.class)
				.hasMessage(message);
		});
	}

	@Test
	void noIssuerAnywhere_startFails() {
		this.runner
			.withPropertyValues("edge.session.enabled=true", "edge.session.client-id=bff-web",
					"edge.session.client-secret=s3cret")
			.run((context) -> assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidEdgeConfigurationException.class)
				.hasMessageStartingWith("edge.session.issuer-uri: null"));
	}

	@ParameterizedTest
	@ValueSource(strings = { "https://evil.example", "//evil.example", "/\\evil", "/%2F%2Fevil", "/%252F%252Fevil",
			"/%5Cevil", "javascript:alert(1)", "/a\tb", "https:/evil" })
	void returnTo_offSite_null(String returnTo) {
		assertThat(LoginFlow.safeReturnTo(returnTo)).isNull();
	}

	@ParameterizedTest
	@ValueSource(strings = { "/", "/#/orders/7001", "/orders?page=2&state=APPROVED", "/orders/7001" })
	void returnTo_onSite_kept(String returnTo) {
		assertThat(LoginFlow.safeReturnTo(returnTo)).isEqualTo(returnTo);
	}

}
