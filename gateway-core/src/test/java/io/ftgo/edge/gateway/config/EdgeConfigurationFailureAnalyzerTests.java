package io.ftgo.edge.gateway.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

import io.ftgo.edge.gateway.support.ClientAddressResolver;
import io.ftgo.edge.security.config.EdgeConfigurationFailureAnalyzer;
import io.ftgo.edge.security.config.EdgeSettingsValidator;
import io.ftgo.edge.security.config.InvalidEdgeConfigurationException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * A bad setting stops start-up with Spring Boot's "APPLICATION FAILED TO START" report
 * naming the key, the value, what is expected and the fix; the check runs as the settings
 * are bound, so an application that overrides the beans built from them cannot skip it.
 */
@ExtendWith(OutputCaptureExtension.class)
class EdgeConfigurationFailureAnalyzerTests {

	@Test
	void analysis_namesKeyValueExpectationAndFix() {
		Throwable failure = catchThrowable(() -> start("edge.limits.max-body-size=0B"));

		FailureAnalysis analysis = new EdgeConfigurationFailureAnalyzer().analyze(failure);

		assertThat(analysis).isNotNull();
		assertThat(analysis.getDescription()).isEqualTo("""
				Invalid edge setting:

				    Property: edge.limits.max-body-size
				    Value:    0B
				    Expected: between 1B and 64MB""");
		assertThat(analysis.getAction()).startsWith("Change 'edge.limits.max-body-size' to between 1B and 64MB")
			.endsWith("or remove it to use the default.");
	}

	@Test
	void realStart_printsApplicationFailedToStart_withTheKeyAndTheFix(CapturedOutput output) {
		assertThatExceptionOfType(Exception.class).isThrownBy(() -> start("edge.server.keep-alive-idle=90s"));

		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("Property: edge.server.keep-alive-idle")
			.contains("Value:    PT1M30S")
			.contains("Expected: between 1s and 55s, below the usual load-balancer idle timeout of 60s")
			.contains("Action:")
			.contains("Change 'edge.server.keep-alive-idle' to between 1s and 55s")
			.doesNotContain("at io.ftgo.");
	}

	@Test
	void overridingTheBeanBuiltFromTheSettings_doesNotSkipTheCheck() {
		Throwable failure = catchThrowable(
				() -> start(OverridingApplication.class, "edge.client-address.trusted-proxies=not-an-ip"));

		assertThat(failure).hasRootCauseInstanceOf(InvalidEdgeConfigurationException.class)
			.rootCause()
			.hasMessageStartingWith(
					"edge.client-address.trusted-proxies: not-an-ip (expected: an IP address or CIDR block");
	}

	@Test
	void movedKey_stopsStartUpNamingTheNewKey(CapturedOutput output) {
		assertThatExceptionOfType(Exception.class).isThrownBy(() -> start("edge.trusted-proxies=10.0.0.0/8"));

		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("Property: edge.trusted-proxies")
			.contains("Expected: no value: this key moved to edge.client-address.trusted-proxies")
			.contains("Rename 'edge.trusted-proxies' to 'edge.client-address.trusted-proxies'")
			.doesNotContain("at io.ftgo.");
	}

	@Test
	void movedKey_asAYamlList_stillRefused() {
		Throwable list = catchThrowable(() -> start("edge.trusted-proxies[0]=10.0.0.0/8"));

		assertThat(list).hasRootCauseInstanceOf(InvalidEdgeConfigurationException.class)
			.rootCause()
			.hasMessageContaining("moved to edge.client-address.trusted-proxies");
	}

	@Test
	void goodSettings_start() {
		start("edge.limits.max-body-size=2MB").close();
	}

	private static org.springframework.context.ConfigurableApplicationContext start(String setting) {
		return start(SettingsApplication.class, setting);
	}

	private static org.springframework.context.ConfigurableApplicationContext start(Class<?> application,
			String setting) {
		SpringApplication app = new SpringApplication(application);
		app.setWebApplicationType(WebApplicationType.NONE);
		return app.run("--" + setting, "--spring.main.banner-mode=off");
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties({ EdgeClientAddressProperties.class, EdgeLimitsProperties.class,
			EdgeServerProperties.class })
	@Import(EdgeSettingsValidator.class)
	static class SettingsApplication {

	}

	@Configuration(proxyBeanMethods = false)
	@Import(SettingsApplication.class)
	static class OverridingApplication {

		@Bean
		ClientAddressResolver clientAddressResolver(EdgeClientAddressProperties properties) {
			return new ClientAddressResolver(java.util.List.of());
		}

	}

}
