package io.ftgo.edge.helm;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How values change what is installed: BFFs on and off, config roll-outs, secrets, Redis,
 * stubs, Ingress and the {@code helm test} hook.
 */
class ChartValuesTests {

	private static final Manifests DEFAULTS = HelmChart.render(Map.of());

	private static final String SECRET = "ftgo-edge-secrets";

	@Test
	void render_bffDisabled_removesAllItsObjects() {

		Manifests manifests = HelmChart.render(HelmChart.set("bffs.web.enabled", false));

		assertThat(objectsOf(DEFAULTS, "bff-web")).as("sanity: the default has bff-web objects").hasSize(7);
		assertThat(objectsOf(manifests, "bff-web")).isEmpty();
		assertThat(manifests.all()).noneMatch((object) -> object.getMetadata().getName().contains("bff-web"));
		assertThat(objectsOf(manifests, "bff-mobile")).hasSameSizeAs(objectsOf(DEFAULTS, "bff-mobile"));
		assertThat(objectsOf(manifests, "bff-public")).hasSameSizeAs(objectsOf(DEFAULTS, "bff-public"));
	}

	@Test
	void render_minimalValues_onlyBffWebWithOneReplica() {

		Manifests manifests = HelmChart.render(HelmChart.MINIMAL_VALUES, Map.of());

		assertThat(manifests.names(Deployment.class)).containsExactly(Manifests.name("web"));
		assertThat(manifests.get(Deployment.class, Manifests.name("web")).getSpec().getReplicas()).isEqualTo(1);
	}

	@Test
	void checksum_providerTimeoutChanged_rollsEveryBff() {

		Manifests changed = HelmChart.render(HelmChart.set("edge.providers.order.timeout", "900ms"));

		for (String bff : List.of("mobile", "web", "public")) {
			assertThat(configChecksum(changed, bff)).as(bff).isNotEqualTo(configChecksum(DEFAULTS, bff));
		}
	}

	@Test
	void checksum_oneBffConfigChanged_rollsOnlyThatBff() {

		Manifests changed = HelmChart
			.render(HelmChart.set("bffs.mobile.config.edge.compositions.home.request", "GET /api/mobile/home"));

		assertThat(configChecksum(changed, "mobile")).isNotEqualTo(configChecksum(DEFAULTS, "mobile"));
		assertThat(configChecksum(changed, "web")).isEqualTo(configChecksum(DEFAULTS, "web"));
	}

	@Test
	void checksum_sameValues_stable() {

		Manifests again = HelmChart.render(Map.of());

		assertThat(configChecksum(again, "web")).isEqualTo(configChecksum(DEFAULTS, "web")).hasSize(64);
	}

	@Test
	void checksum_createdSecretChanged_rollsPods() {

		Manifests changed = HelmChart
			.render(HelmChart.set("secrets.apiKeys[0].id", "partner-ajanta", "secrets.apiKeys[0].hash", "sha256:abc"));

		assertThat(podAnnotations(changed, "public")).containsKey("checksum/secret");
		assertThat(podAnnotations(changed, "public").get("checksum/secret"))
			.isNotEqualTo(podAnnotations(DEFAULTS, "public").get("checksum/secret"));
	}

	@Test
	void secret_defaultValues_createdWithApiKeysForBffPublic() {

		Manifests manifests = HelmChart
			.render(HelmChart.set("secrets.apiKeys[0].id", "partner-ajanta", "secrets.apiKeys[0].hash", "sha256:abc"));

		Secret secret = manifests.get(Secret.class, SECRET);
		String apiKeys = decode(secret.getData().get("api-keys.yaml"));
		assertThat(apiKeys).contains("api-keys:").contains("id: partner-ajanta").contains("hash: sha256:abc");
		PodSpec pod = manifests.get(Deployment.class, Manifests.name("public")).getSpec().getTemplate().getSpec();
		assertThat(pod.getVolumes()).filteredOn((volume) -> volume.getSecret() != null)
			.extracting((volume) -> volume.getSecret().getSecretName())
			.containsExactly(SECRET);
		assertThat(manifests.applicationYaml("public").at("/spring/config/import").asText())
			.isEqualTo("optional:file:/secrets/api-keys.yaml");
	}

	@Test
	void secret_existingSecretSet_notCreatedAndThatOneReferenced() {

		Manifests manifests = HelmChart.render(HelmChart.set("secrets.existingSecret", "team-secrets", "redis.enabled",
				true, "secrets.apiKeys[0].id", "p", "secrets.apiKeys[0].hash", "sha256:abc"));

		assertThat(manifests.all(Secret.class)).isEmpty();
		PodSpec pod = manifests.get(Deployment.class, Manifests.name("public")).getSpec().getTemplate().getSpec();
		assertThat(pod.getVolumes()).filteredOn((volume) -> volume.getSecret() != null)
			.extracting((volume) -> volume.getSecret().getSecretName())
			.containsExactly("team-secrets");
		EnvVar password = redisPasswordEnv(pod.getContainers().get(0));
		assertThat(password.getValueFrom().getSecretKeyRef().getName()).isEqualTo("team-secrets");
		assertThat(password.getValueFrom().getSecretKeyRef().getKey()).isEqualTo("redis-password");
		assertThat(podAnnotations(manifests, "public")).doesNotContainKey("checksum/secret");
	}

	@Test
	void redis_enabled_statefulSetServiceAndBffsConfiguredForIt() {

		Manifests manifests = HelmChart.render(HelmChart.set("redis.enabled", true, "secrets.redisPassword", "s3cret"));

		StatefulSet redis = manifests.get(StatefulSet.class, "ftgo-edge-redis");
		assertThat(redis.getSpec().getReplicas()).isEqualTo(1);
		assertThat(manifests.get(Service.class, "ftgo-edge-redis").getSpec().getPorts().get(0).getPort())
			.isEqualTo(6379);
		assertThat(decode(manifests.get(Secret.class, SECRET).getData().get("redis-password"))).isEqualTo("s3cret");
		JsonNode config = manifests.applicationYaml("web");
		assertThat(config.at("/spring/data/redis/host").asText()).isEqualTo("ftgo-edge-redis");
		assertThat(config.at("/spring/data/redis/port").asInt()).isEqualTo(6379);
		assertThat(config.at("/spring/data/redis/password").isMissingNode()).as("password never in a ConfigMap")
			.isTrue();
		assertThat(config.at("/edge/rate-limit/redis/enabled").asBoolean()).isTrue();
		Container web = Manifests.container(manifests.get(Deployment.class, Manifests.name("web")));
		assertThat(redisPasswordEnv(web).getValueFrom().getSecretKeyRef().getName()).isEqualTo(SECRET);
	}

	@Test
	void redis_disabled_noRedisObjectsAndInMemoryLimits() {

		JsonNode config = DEFAULTS.applicationYaml("web");

		assertThat(DEFAULTS.all(StatefulSet.class)).isEmpty();
		assertThat(config.at("/edge/rate-limit/redis/enabled").asBoolean()).isFalse();
		assertThat(config.at("/spring/data/redis").isMissingNode()).isTrue();
		assertThat(Manifests.container(DEFAULTS.get(Deployment.class, Manifests.name("web"))).getEnv())
			.noneMatch((env) -> env.getName().equals("SPRING_DATA_REDIS_PASSWORD"));
	}

	@Test
	void redis_externalHost_noStatefulSetAndBffsUseThatHost() {

		Manifests manifests = HelmChart.render(HelmChart.set("redis.enabled", true, "secrets.redisPassword", "s3cret",
				"redis.external.host", "redis.cache.example.com"));

		assertThat(manifests.all(StatefulSet.class)).isEmpty();
		assertThat(manifests.find(Service.class, "ftgo-edge-redis")).isEmpty();
		assertThat(manifests.applicationYaml("mobile").at("/spring/data/redis/host").asText())
			.isEqualTo("redis.cache.example.com");
	}

	@Test
	void redis_enabledWithoutPasswordOrSecret_failsNamingTheKey() {

		String message = HelmChart.renderFailure(HelmChart.set("redis.enabled", true));

		assertThat(message).contains("secrets.redisPassword is required when redis.enabled is true");
	}

	@Test
	void stubs_defaultValues_off() {

		assertThat(DEFAULTS.all()).noneMatch((object) -> object.getMetadata().getName().contains("stubs"));
	}

	@Test
	void stubs_enabled_providersAndIssuerPointAtStubs() {

		Manifests manifests = HelmChart.render(HelmChart.set("stubs.enabled", true));

		Deployment stubs = manifests.get(Deployment.class, "ftgo-edge-stubs");
		assertThat(Manifests.container(stubs).getPorts()).extracting((port) -> port.getContainerPort())
			.containsExactlyInAnyOrder(9081, 9082, 9083, 9084, 9085, 9086, 9087, 9187, 9090);
		JsonNode config = manifests.applicationYaml("web");
		assertThat(config.at("/edge/providers/order/url").asText()).isEqualTo("http://ftgo-edge-stubs:9081");
		assertThat(config.at("/edge/providers/restaurant/url").asText()).isEqualTo("http://ftgo-edge-stubs:9086");
		assertThat(config.at("/edge/providers/order/timeout").asText()).isEqualTo("800ms");
		// bff-mobile reads orders over gRPC: the stubs' gRPC order provider
		assertThat(manifests.applicationYaml("mobile").at("/edge/providers/order/grpc/target").asText())
			.isEqualTo("ftgo-edge-stubs:9087");
		assertThat(config.at("/spring/security/oauth2/resourceserver/jwt/issuer-uri").asText())
			.isEqualTo("http://ftgo-edge-stubs:9090");
		assertThat(BffDeploymentTests.env(Manifests.container(stubs), "FTGO_STUBS_ISSUER"))
			.as("tokens' iss must equal the BFFs' issuer-uri")
			.isEqualTo(config.at("/spring/security/oauth2/resourceserver/jwt/issuer-uri").asText());
		assertThat(BffDeploymentTests.env(Manifests.container(stubs), "FTGO_STUBS_HOST")).isEqualTo("0.0.0.0");
	}

	@Test
	void template_stubsEnabledInProduction_refusedAsAtInstall() {

		String message = HelmChart.renderFailure(HelmChart.set("global.production", true, "stubs.enabled", true,
				"spring.security.oauth2.resourceserver.jwt.issuer-uri", "https://login.example.com"));

		assertThat(message).contains("value must be false");
	}

	@Test
	void helmTest_defaultValues_onePodPerBffCallingItsService() {

		Manifests hooks = HelmChart.renderHooks(Map.of());

		assertThat(hooks.all()).hasSize(3).allMatch(Pod.class::isInstance);
		for (String bff : List.of("mobile", "web", "public")) {
			Pod test = hooks.get(Pod.class, Manifests.name(bff) + "-test-ready");
			int port = DEFAULTS.get(Service.class, Manifests.name(bff)).getSpec().getPorts().get(0).getPort();
			assertThat(test.getMetadata().getAnnotations()).containsEntry(HelmChart.HOOK_PREFIX + "hook", "test");
			assertThat(test.getSpec().getRestartPolicy()).isEqualTo("Never");
			assertThat(String.join(" ", test.getSpec().getContainers().get(0).getCommand()))
				.contains("http://" + Manifests.name(bff) + ":" + port + "/")
				.contains("exit 1");
		}
	}

	@Test
	void helmTest_bffDisabled_noTestPodForIt() {

		Manifests hooks = HelmChart.renderHooks(HelmChart.set("bffs.mobile.enabled", false));

		assertThat(hooks.names(Pod.class)).containsExactlyInAnyOrder(Manifests.name("web") + "-test-ready",
				Manifests.name("public") + "-test-ready");
	}

	@Test
	void helmTest_defaultValues_testPodsCannotRunAsRoot() {

		Manifests hooks = HelmChart.renderHooks(Map.of());

		BffDeploymentTests.assertNoContainerCanRunAsRoot(hooks);
	}

	@Test
	void helmTest_manifestWithoutHooks_testPodsOnlyAsHooks() {

		assertThat(DEFAULTS.all(Pod.class)).as("helm test pods are hooks, not part of the release").isEmpty();
	}

	@Test
	void ingress_defaultValues_none() {

		assertThat(DEFAULTS.all(Ingress.class)).isEmpty();
	}

	@Test
	void ingress_productionValues_onePerBffToItsHttpPort() {

		Manifests manifests = HelmChart.render(HelmChart.PRODUCTION_VALUES, Map.of());

		Ingress web = manifests.get(Ingress.class, Manifests.name("web"));
		assertThat(manifests.all(Ingress.class)).hasSize(3);
		assertThat(web.getSpec().getRules().get(0).getHost()).isEqualTo("web-api.ftgo.example.com");
		assertThat(web.getSpec().getRules().get(0).getHttp().getPaths().get(0).getBackend().getService().getName())
			.isEqualTo(Manifests.name("web"));
		assertThat(web.getSpec().getTls().get(0).getSecretName()).isEqualTo("ftgo-web-api-tls");
	}

	@Test
	void render_productionValues_existingSecretRedisAndHttpsIssuer() {

		Manifests manifests = HelmChart.render(HelmChart.PRODUCTION_VALUES, Map.of());

		assertThat(manifests.all(Secret.class)).isEmpty();
		assertThat(manifests.all(StatefulSet.class)).hasSize(1);
		assertThat(manifests.applicationYaml("public")
			.at("/spring/security/oauth2/resourceserver/jwt/issuer-uri")
			.asText()).startsWith("https://");
		BffDeploymentTests.assertNoContainerCanRunAsRoot(manifests);
	}

	private static List<HasMetadata> objectsOf(Manifests manifests, String component) {
		return manifests.all()
			.stream()
			.filter((object) -> object.getMetadata().getLabels() != null
					&& component.equals(object.getMetadata().getLabels().get("app.kubernetes.io/component"))
					|| object.getMetadata().getName().startsWith(HelmChart.RELEASE + "-" + component))
			.toList();
	}

	private static String configChecksum(Manifests manifests, String bff) {
		return podAnnotations(manifests, bff).get("checksum/config");
	}

	private static Map<String, String> podAnnotations(Manifests manifests, String bff) {
		return manifests.get(Deployment.class, Manifests.name(bff))
			.getSpec()
			.getTemplate()
			.getMetadata()
			.getAnnotations();
	}

	private static EnvVar redisPasswordEnv(Container container) {
		return container.getEnv()
			.stream()
			.filter((env) -> env.getName().equals("SPRING_DATA_REDIS_PASSWORD"))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no SPRING_DATA_REDIS_PASSWORD in " + container.getName()));
	}

	private static String decode(String base64) {
		return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
	}

}
