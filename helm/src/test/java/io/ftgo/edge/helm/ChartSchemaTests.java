package io.ftgo.edge.helm;

import java.util.Map;

import com.marcnuri.helm.Release;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * values.schema.json, enforced by {@code helm install --dry-run=client} (client-only, no
 * cluster): bad values fail at install with a message that names the key.
 */
class ChartSchemaTests {

	@Test
	void installDryRun_defaultValues_succeeds() {

		Release release = HelmChart.installDryRun(null, Map.of());

		assertThat(release.getName()).isEqualTo(HelmChart.RELEASE);
		assertThat(release.getStatus()).isEqualTo("pending-install");
	}

	@Test
	void installDryRun_productionValues_succeeds() {

		Release release = HelmChart.installDryRun(HelmChart.PRODUCTION_VALUES, Map.of());

		assertThat(release.getStatus()).isEqualTo("pending-install");
	}

	@Test
	void installDryRun_badValuesFile_failsWithSchemaMessageNamingEachKey() {

		assertThatIllegalStateException().isThrownBy(() -> HelmChart.installDryRun(HelmChart.BAD_VALUES, Map.of()))
			.withMessageContaining("values don't meet the specifications of the schema")
			.withMessageContaining("at '/bffs/web/server/port'")
			.withMessageContaining("65")
			.withMessageContaining("additional properties 'replicas' not allowed");
	}

	@Test
	void installDryRun_stubsEnabledInProduction_failsWithSchemaMessage() {

		assertThatIllegalStateException()
			.isThrownBy(() -> HelmChart.installDryRun(HelmChart.STUBS_IN_PRODUCTION_VALUES, Map.of()))
			.withMessageContaining("values don't meet the specifications of the schema")
			.withMessageContaining("at '/stubs/enabled': value must be false");
	}

	@Test
	void installDryRun_stubsEnabledWithoutProduction_succeeds() {

		Release release = HelmChart.installDryRun(null, HelmChart.set("stubs.enabled", true));

		assertThat(release.getStatus()).isEqualTo("pending-install");
	}

	@Test
	void installDryRun_productionWithPlainHttpIssuer_failsNamingTheIssuer() {

		assertThatIllegalStateException()
			.isThrownBy(() -> HelmChart.installDryRun(null, HelmChart.set("global.production", true)))
			.withMessageContaining("at '/spring/security/oauth2/resourceserver/jwt/issuer-uri'")
			.withMessageContaining("^https://");
	}

	@Test
	void installDryRun_podRunAsRoot_refused() {

		assertThatIllegalStateException()
			.isThrownBy(() -> HelmChart.installDryRun(null, HelmChart.set("podSecurityContext.runAsUser", 0)))
			.withMessageContaining("at '/podSecurityContext/runAsUser'");
	}

	@Test
	void installDryRun_privilegeEscalationAllowed_refused() {

		assertThatIllegalStateException()
			.isThrownBy(() -> HelmChart.installDryRun(null,
					HelmChart.set("containerSecurityContext.allowPrivilegeEscalation", true)))
			.withMessageContaining("at '/containerSecurityContext/allowPrivilegeEscalation'");
	}

	@Test
	void installDryRun_drainTimeNotInSeconds_failsNamingTheProperty() {

		assertThatIllegalStateException().isThrownBy(
				() -> HelmChart.installDryRun(null, HelmChart.set("spring.lifecycle.timeout-per-shutdown-phase", "1m")))
			.withMessageContaining("at '/spring/lifecycle/timeout-per-shutdown-phase'");
	}

}
