package io.ftgo.edge.helm;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Deployment of each BFF as rendered with the default values, parsed into fabric8
 * objects.
 */
class BffDeploymentTests {

	private static final List<String> BFFS = List.of("mobile", "web", "public");

	private static final Manifests DEFAULTS = HelmChart.render(Map.of());

	@Test
	void render_defaultValues_oneDeploymentPerBff() {

		List<String> names = DEFAULTS.names(Deployment.class);

		assertThat(names).containsExactlyInAnyOrder("ftgo-edge-bff-mobile", "ftgo-edge-bff-web",
				"ftgo-edge-bff-public");
		for (String bff : BFFS) {
			Container container = Manifests.container(DEFAULTS.get(Deployment.class, Manifests.name(bff)));
			assertThat(container.getImage()).isEqualTo("ftgo/bff-" + bff + ":0.1.0");
		}
	}

	@ParameterizedTest(name = "render_{0}_probesOnActuatorGroupsOfManagementPort{2}")
	@CsvSource({ "mobile, 8081, 8091", "web, 8082, 8092", "public, 8083, 8093" })
	void render_bff_probesOnActuatorGroupsOfManagementPort(String bff, int serverPort, int managementPort) {

		Container container = Manifests.container(DEFAULTS.get(Deployment.class, Manifests.name(bff)));

		assertProbe(container, container.getStartupProbe(), "/actuator/health/liveness", managementPort);
		assertProbe(container, container.getLivenessProbe(), "/actuator/health/liveness", managementPort);
		assertProbe(container, container.getReadinessProbe(), "/actuator/health/readiness", managementPort);
		assertThat(container.getPorts()).extracting((port) -> port.getName() + "=" + port.getContainerPort())
			.containsExactlyInAnyOrder("http=" + serverPort, "management=" + managementPort);
	}

	@Test
	void render_defaultValues_probePortsEqualPortsRenderedIntoSpringConfig() {
		for (String bff : BFFS) {

			Container container = Manifests.container(DEFAULTS.get(Deployment.class, Manifests.name(bff)));
			JsonNode config = DEFAULTS.applicationYaml(bff);

			int managementPort = config.at("/management/server/port").asInt();
			assertThat(managementPort).as("management.server.port of %s", bff).isPositive();
			assertThat(Manifests.resolvePort(container, container.getReadinessProbe().getHttpGet().getPort()))
				.isEqualTo(managementPort);
			assertThat(Manifests.resolvePort(container, container.getLivenessProbe().getHttpGet().getPort()))
				.isEqualTo(managementPort);
			assertThat(Manifests.resolvePort(container, container.getStartupProbe().getHttpGet().getPort()))
				.isEqualTo(managementPort);
			assertThat(config.at("/server/port").asInt())
				.isEqualTo(Manifests.resolvePort(container, new IntOrString("http")));
			assertThat(config.at("/management/endpoint/health/probes/enabled").asBoolean()).isTrue();
		}
	}

	@Test
	void render_managementPortChanged_probesConfigAndScrapeAnnotationFollow() {

		Manifests manifests = HelmChart.render(HelmChart.set("bffs.web.management.server.port", 9192));

		Deployment deployment = manifests.get(Deployment.class, Manifests.name("web"));
		Container container = Manifests.container(deployment);
		assertThat(Manifests.resolvePort(container, container.getReadinessProbe().getHttpGet().getPort()))
			.isEqualTo(9192);
		assertThat(manifests.applicationYaml("web").at("/management/server/port").asInt()).isEqualTo(9192);
		assertThat(deployment.getSpec().getTemplate().getMetadata().getAnnotations())
			.containsEntry("prometheus.io/port", "9192");
	}

	@Test
	void render_portsInFreeFormConfig_chartOwnedPortsWinSoProbesCannotDrift() {

		Manifests manifests = HelmChart
			.render(HelmChart.set("bffs.web.config.management.server.port", 9999, "global.config.server.port", 9998,
					"bffs.web.config.edge.compositions.order-details.request", "GET /api/web/orders/{orderId}"));

		JsonNode config = manifests.applicationYaml("web");
		assertThat(config.at("/management/server/port").asInt()).isEqualTo(8092);
		assertThat(config.at("/server/port").asInt()).isEqualTo(8082);
		assertThat(config.at("/edge/compositions/order-details/request").asText())
			.isEqualTo("GET /api/web/orders/{orderId}");
	}

	@Test
	void render_bffConfigOverridesGlobalConfig_evenWithFalseAndZero() {

		Manifests manifests = HelmChart.render(HelmChart.set("global.config.edge.cache.enabled", true,
				"global.config.edge.cache.max-size", 500, "bffs.web.config.edge.cache.enabled", false,
				"bffs.web.config.edge.cache.max-size", 0, "global.config.edge.cache.ttl", "10m"));

		assertThat(manifests.applicationYaml("web").at("/edge/cache/enabled").asBoolean()).isFalse();
		assertThat(manifests.applicationYaml("web").at("/edge/cache/ttl").asText()).isEqualTo("10m");
		assertThat(manifests.applicationYaml("web").at("/edge/cache/max-size").isInt()).isTrue();
		assertThat(manifests.applicationYaml("web").at("/edge/cache/max-size").asInt()).isZero();
		assertThat(manifests.applicationYaml("mobile").at("/edge/cache/enabled").asBoolean()).isTrue();
		assertThat(manifests.applicationYaml("mobile").at("/edge/cache/max-size").asInt()).isEqualTo(500);
		assertThat(manifests.applicationYaml("web").at("/edge/providers/order/url").asText())
			.isEqualTo("http://ftgo-order-service:8080");
	}

	@Test
	void render_defaultValues_prometheusScrapesManagementPort() {
		for (String bff : BFFS) {

			Deployment deployment = DEFAULTS.get(Deployment.class, Manifests.name(bff));

			int managementPort = DEFAULTS.applicationYaml(bff).at("/management/server/port").asInt();
			assertThat(deployment.getSpec().getTemplate().getMetadata().getAnnotations())
				.containsEntry("prometheus.io/scrape", "true")
				.containsEntry("prometheus.io/port", String.valueOf(managementPort))
				.containsEntry("prometheus.io/path", "/actuator/prometheus");
		}
	}

	@Test
	void render_defaultValues_serviceExposesOnlyTheHttpPort() {
		for (String bff : BFFS) {

			Service service = DEFAULTS.get(Service.class, Manifests.name(bff));
			Deployment deployment = DEFAULTS.get(Deployment.class, Manifests.name(bff));

			assertThat(service.getSpec().getPorts()).hasSize(1);
			int target = Manifests.resolvePort(Manifests.container(deployment),
					service.getSpec().getPorts().get(0).getTargetPort());
			assertThat(target).isEqualTo(DEFAULTS.applicationYaml(bff).at("/server/port").asInt());
			assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels())
				.containsAllEntriesOf(service.getSpec().getSelector());
		}
	}

	@Test
	void render_defaultValues_hpaAndPdbPerBffSelectTheirDeployment() {
		for (String bff : BFFS) {

			Deployment deployment = DEFAULTS.get(Deployment.class, Manifests.name(bff));
			HorizontalPodAutoscaler hpa = DEFAULTS.get(HorizontalPodAutoscaler.class, Manifests.name(bff));
			PodDisruptionBudget pdb = DEFAULTS.get(PodDisruptionBudget.class, Manifests.name(bff));

			assertThat(hpa.getApiVersion()).isEqualTo("autoscaling/v2");
			assertThat(hpa.getSpec().getScaleTargetRef().getKind()).isEqualTo("Deployment");
			assertThat(hpa.getSpec().getScaleTargetRef().getName()).isEqualTo(deployment.getMetadata().getName());
			assertThat(hpa.getSpec().getMinReplicas()).isGreaterThanOrEqualTo(2);
			assertThat(hpa.getSpec().getMetrics()).anyMatch((metric) -> "cpu".equals(metric.getResource().getName()));
			assertThat(deployment.getSpec().getReplicas()).as("the HPA owns the replica count").isNull();
			assertThat(pdb.getSpec().getMinAvailable().getIntVal()).isEqualTo(1);
			assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels())
				.containsAllEntriesOf(pdb.getSpec().getSelector().getMatchLabels());
		}
	}

	@Test
	void render_pdbMaxUnavailableSet_usedInsteadOfMinAvailable() {

		Manifests manifests = HelmChart.render(HelmChart.set("bffs.web.podDisruptionBudget.maxUnavailable", 1));

		PodDisruptionBudget pdb = manifests.get(PodDisruptionBudget.class, Manifests.name("web"));
		assertThat(pdb.getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);
		assertThat(pdb.getSpec().getMinAvailable()).isNull();
	}

	@Test
	void render_autoscalingDisabled_noHpaAndDeploymentSetsReplicas() {

		Manifests manifests = HelmChart
			.render(HelmChart.set("bffs.web.autoscaling.enabled", false, "bffs.web.replicaCount", 3));

		assertThat(manifests.find(HorizontalPodAutoscaler.class, Manifests.name("web"))).isEmpty();
		assertThat(manifests.get(Deployment.class, Manifests.name("web")).getSpec().getReplicas()).isEqualTo(3);
		assertThat(manifests.find(HorizontalPodAutoscaler.class, Manifests.name("mobile"))).isPresent();
	}

	@Test
	void render_defaultValues_noContainerCanRunAsRoot() {
		assertNoContainerCanRunAsRoot(DEFAULTS);
	}

	@Test
	void render_redisAndStubsEnabled_noContainerCanRunAsRoot() {

		Manifests manifests = HelmChart
			.render(HelmChart.set("redis.enabled", true, "secrets.redisPassword", "s3cret", "stubs.enabled", true));

		assertThat(manifests.podSpecs().keySet()).anyMatch((owner) -> owner.startsWith("StatefulSet/"))
			.contains("Deployment/ftgo-edge-stubs");
		assertNoContainerCanRunAsRoot(manifests);
	}

	@Test
	void render_defaultValues_readOnlyRootFilesystemWithWritableTmp() {
		for (String bff : BFFS) {

			PodSpec pod = DEFAULTS.get(Deployment.class, Manifests.name(bff)).getSpec().getTemplate().getSpec();
			Container container = pod.getContainers().get(0);

			assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
			assertThat(container.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
			VolumeMount tmp = container.getVolumeMounts()
				.stream()
				.filter((mount) -> "/tmp".equals(mount.getMountPath()))
				.findFirst()
				.orElseThrow();
			Volume volume = pod.getVolumes()
				.stream()
				.filter((candidate) -> candidate.getName().equals(tmp.getName()))
				.findFirst()
				.orElseThrow();
			assertThat(volume.getEmptyDir()).isNotNull();
			assertThat(tmp.getReadOnly()).isNotEqualTo(Boolean.TRUE);
			assertThat(env(container, "JAVA_TOOL_OPTIONS")).contains("-Djava.io.tmpdir=/tmp")
				.contains("MaxRAMPercentage");
		}
	}

	@Test
	void render_defaultValues_springConfigMountedFromConfigMap() {
		for (String bff : BFFS) {

			PodSpec pod = DEFAULTS.get(Deployment.class, Manifests.name(bff)).getSpec().getTemplate().getSpec();
			Container container = pod.getContainers().get(0);

			assertThat(env(container, "SPRING_CONFIG_ADDITIONAL_LOCATION")).isEqualTo("optional:file:/config/");
			VolumeMount config = container.getVolumeMounts()
				.stream()
				.filter((mount) -> "/config".equals(mount.getMountPath()))
				.findFirst()
				.orElseThrow();
			Volume volume = pod.getVolumes()
				.stream()
				.filter((candidate) -> candidate.getName().equals(config.getName()))
				.findFirst()
				.orElseThrow();
			assertThat(volume.getConfigMap().getName()).isEqualTo(Manifests.name(bff));
			assertThat(
					DEFAULTS.applicationYaml(bff).at("/spring/security/oauth2/resourceserver/jwt/issuer-uri").asText())
				.isEqualTo("http://ftgo-identity-service:8080");
			assertThat(DEFAULTS.applicationYaml(bff).at("/edge/providers/order/url").asText())
				.isEqualTo("http://ftgo-order-service:8080");
		}
	}

	@Test
	void render_defaultValues_gracePeriodExceedsPreStopPausePlusDrain() {
		for (String bff : BFFS) {

			Deployment deployment = DEFAULTS.get(Deployment.class, Manifests.name(bff));
			PodSpec pod = deployment.getSpec().getTemplate().getSpec();
			Container container = pod.getContainers().get(0);
			JsonNode config = DEFAULTS.applicationYaml(bff);

			assertThat(config.at("/server/shutdown").asText()).isEqualTo("graceful");
			long drain = seconds(config.at("/spring/lifecycle/timeout-per-shutdown-phase").asText());
			List<String> preStop = container.getLifecycle().getPreStop().getExec().getCommand();
			assertThat(preStop.get(0)).isEqualTo("sleep");
			long pause = Long.parseLong(preStop.get(1));
			assertThat(pause).isPositive();
			assertThat(pod.getTerminationGracePeriodSeconds()).isGreaterThan(pause + drain);
		}
	}

	@Test
	void render_longerDrain_gracePeriodGrowsWithIt() {

		Manifests manifests = HelmChart.render(HelmChart.set("spring.lifecycle.timeout-per-shutdown-phase", "60s"));

		PodSpec pod = manifests.get(Deployment.class, Manifests.name("web")).getSpec().getTemplate().getSpec();
		assertThat(pod.getTerminationGracePeriodSeconds()).isGreaterThan(65);
	}

	@Test
	void render_gracePeriodNotAboveDrain_failsNamingTheKey() {

		String message = HelmChart.renderFailure(HelmChart.set("bffs.web.terminationGracePeriodSeconds", 20));

		assertThat(message).contains("bffs.web.terminationGracePeriodSeconds: 20 (expected: > preStopSleepSeconds 5");
	}

	@Test
	void render_defaultValues_spreadAcrossZonesAndNodes() {
		for (String bff : BFFS) {

			Deployment deployment = DEFAULTS.get(Deployment.class, Manifests.name(bff));

			List<TopologySpreadConstraint> spread = deployment.getSpec()
				.getTemplate()
				.getSpec()
				.getTopologySpreadConstraints();
			assertThat(spread).extracting(TopologySpreadConstraint::getTopologyKey)
				.containsExactlyInAnyOrder("topology.kubernetes.io/zone", "kubernetes.io/hostname");
			assertThat(spread)
				.allSatisfy((constraint) -> assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels())
					.containsAllEntriesOf(constraint.getLabelSelector().getMatchLabels()));
		}
	}

	@Test
	void render_defaultValues_ownServiceAccountWithoutApiToken() {
		for (String bff : BFFS) {

			PodSpec pod = DEFAULTS.get(Deployment.class, Manifests.name(bff)).getSpec().getTemplate().getSpec();
			ServiceAccount account = DEFAULTS.get(ServiceAccount.class, pod.getServiceAccountName());

			assertThat(account.getMetadata().getName()).isEqualTo(Manifests.name(bff));
			assertThat(pod.getAutomountServiceAccountToken()).isFalse();
		}
	}

	@Test
	void render_defaultValues_resourcesRequestedAndMemoryLimited() {
		for (String bff : BFFS) {

			Container container = Manifests.container(DEFAULTS.get(Deployment.class, Manifests.name(bff)));

			assertThat(container.getResources().getRequests()).containsKeys("cpu", "memory");
			assertThat(container.getResources().getLimits()).containsKey("memory");
		}
	}

	@Test
	void render_imageTagSet_usesRepositoryAndTagOfThatBff() {

		Manifests manifests = HelmChart.render(HelmChart.set("bffs.public.image.repository",
				"registry.example.com/ftgo/bff-public", "bffs.public.image.tag", "1.2.3"));

		assertThat(Manifests.container(manifests.get(Deployment.class, Manifests.name("public"))).getImage())
			.isEqualTo("registry.example.com/ftgo/bff-public:1.2.3");
		assertThat(Manifests.container(manifests.get(Deployment.class, Manifests.name("web"))).getImage())
			.isEqualTo("ftgo/bff-web:0.1.0");
	}

	private static void assertProbe(Container container, Probe probe, String path, int port) {
		assertThat(probe).as("probe of %s", container.getName()).isNotNull();
		assertThat(probe.getHttpGet().getPath()).isEqualTo(path);
		assertThat(Manifests.resolvePort(container, probe.getHttpGet().getPort())).isEqualTo(port);
	}

	static void assertNoContainerCanRunAsRoot(Manifests manifests) {
		assertThat(manifests.podSpecs()).isNotEmpty();
		manifests.podSpecs().forEach((owner, pod) -> {
			for (Container container : pod.getContainers()) {
				String where = owner + " container " + container.getName();
				Boolean runAsNonRoot = (container.getSecurityContext().getRunAsNonRoot() != null)
						? container.getSecurityContext().getRunAsNonRoot() : pod.getSecurityContext().getRunAsNonRoot();
				Long runAsUser = (container.getSecurityContext().getRunAsUser() != null)
						? container.getSecurityContext().getRunAsUser() : pod.getSecurityContext().getRunAsUser();
				assertThat(runAsNonRoot).as(where + " runAsNonRoot").isTrue();
				assertThat(runAsUser).as(where + " runAsUser").isNotNull().isNotZero();
				assertThat(container.getSecurityContext().getAllowPrivilegeEscalation())
					.as(where + " allowPrivilegeEscalation")
					.isFalse();
				assertThat(container.getSecurityContext().getPrivileged()).as(where + " privileged")
					.isNotEqualTo(Boolean.TRUE);
				assertThat(container.getSecurityContext().getReadOnlyRootFilesystem())
					.as(where + " readOnlyRootFilesystem")
					.isTrue();
				assertThat(container.getSecurityContext().getCapabilities().getDrop()).as(where + " capabilities")
					.contains("ALL");
			}
		});
	}

	static String env(Container container, String name) {
		return container.getEnv()
			.stream()
			.filter((env) -> name.equals(env.getName()))
			.map(EnvVar::getValue)
			.findFirst()
			.orElseThrow(() -> new AssertionError("no env " + name + " in " + container.getName()));
	}

	private static long seconds(String duration) {
		assertThat(duration).matches("[0-9]+s");
		return Long.parseLong(duration.substring(0, duration.length() - 1));
	}

}
