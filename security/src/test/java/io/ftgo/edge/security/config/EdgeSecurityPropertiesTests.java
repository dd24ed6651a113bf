package io.ftgo.edge.security.config;

import java.util.Map;

import io.ftgo.edge.security.apikey.ApiKeyAuthenticationManager;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/** Bad settings stop start-up with the key, the value and the fix. */
class EdgeSecurityPropertiesTests {

	private final ReactiveWebApplicationContextRunner runner = new ReactiveWebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(EdgeSecurityAutoConfiguration.class))
		.withPropertyValues("edge.security.jwt.issuer-uri=http://localhost:9090",
				"edge.security.jwt.audiences[0]=ftgo-edge");

	@Test
	void validSettings_start() {
		this.runner.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void missingIssuer_failsNamingKey() {
		assertFailure(Map.of("edge.security.jwt.issuer-uri", ""), "edge.security.jwt.issuer-uri");
	}

	@Test
	void missingAudience_failsNamingKey() {
		new ReactiveWebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(EdgeSecurityAutoConfiguration.class))
			.withPropertyValues("edge.security.jwt.issuer-uri=http://localhost:9090")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("edge.security.jwt.audiences")
				.hasMessageContaining("expected: at least one audience"));
	}

	@Test
	void hmacAlgorithm_isRefused() {
		assertFailure(Map.of("edge.security.jwt.algorithms[0]", "HS256"), "edge.security.jwt.algorithms: HS256");
	}

	@Test
	void clockSkewTooLarge_isRefused() {
		assertFailure(Map.of("edge.security.jwt.clock-skew", "10m"),
				"edge.security.jwt.clock-skew: PT10M (expected: between PT0S and PT5M)");
	}

	@Test
	void plainTextApiKey_isRefusedWithoutEchoingIt() {
		assertFailure(
				Map.of("edge.security.api-keys.keys[0].client-id", "p", "edge.security.api-keys.keys[0].hash",
						"demo-ajanta-key", "edge.security.api-keys.keys[0].scopes[0]", "partner"),
				"edge.security.api-keys.keys[0].hash: <redacted> (expected: sha256:");
	}

	@Test
	void duplicateApiKeyHash_isRefused() {
		String hash = ApiKeyAuthenticationManager.hash("k");
		assertFailure(Map.of("edge.security.api-keys.keys[0].client-id", "a", "edge.security.api-keys.keys[0].hash",
				hash, "edge.security.api-keys.keys[0].scopes[0]", "partner", "edge.security.api-keys.keys[1].client-id",
				"b", "edge.security.api-keys.keys[1].hash", hash, "edge.security.api-keys.keys[1].scopes[0]",
				"partner"), "edge.security.api-keys.keys[1].hash");
	}

	@Test
	void ruleWithoutScopes_isRefused() {
		assertFailure(Map.of("edge.security.rules[0].path", "/api/**"), "edge.security.rules[0].scopes");
	}

	@Test
	void ruleWithBadMethod_isRefused() {
		assertFailure(Map.of("edge.security.rules[0].path", "/api/**", "edge.security.rules[0].scopes[0]", "web",
				"edge.security.rules[0].methods[0]", "FETCH"), "edge.security.rules[0].methods: FETCH");
	}

	private void assertFailure(Map<String, String> properties, String message) {
		this.runner
			.withPropertyValues(
					properties.entrySet().stream().map((e) -> e.getKey() + "=" + e.getValue()).toArray(String[]::new))
			.run((context) -> assertThat(context).getFailure().rootCause().hasMessageContaining(message));
	}

}
