package io.ftgo.edge.helm;

import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The NetworkPolicy of each BFF: in on the HTTP port (and the management port for
 * monitoring only), out to providers, identity, Redis and DNS.
 */
class NetworkPolicyTests {

	private static final Manifests DEFAULTS = HelmChart.render(Map.of());

	@Test
	void networkPolicy_defaultValues_onePerBffSelectingItsPods() {

		List<NetworkPolicy> policies = DEFAULTS.all(NetworkPolicy.class);

		assertThat(policies).extracting((policy) -> policy.getMetadata().getName())
			.containsExactlyInAnyOrder("ftgo-edge-bff-mobile", "ftgo-edge-bff-web", "ftgo-edge-bff-public");
		for (NetworkPolicy policy : policies) {
			assertThat(policy.getSpec().getPolicyTypes()).containsExactlyInAnyOrder("Ingress", "Egress");
			assertThat(policy.getSpec().getPodSelector().getMatchLabels()).containsEntry("app.kubernetes.io/component",
					policy.getMetadata().getName().replace("ftgo-edge-", ""));
		}
	}

	@Test
	void networkPolicy_defaultValues_httpPortFromAnywhereManagementPortFromMonitoringOnly() {

		NetworkPolicy policy = DEFAULTS.get(NetworkPolicy.class, Manifests.name("web"));

		NetworkPolicyIngressRule http = ingressRuleFor(policy, 8082);
		assertThat(http.getFrom()).as("HTTP from anywhere").isNullOrEmpty();
		NetworkPolicyIngressRule management = ingressRuleFor(policy, 8092);
		assertThat(management.getFrom()).singleElement()
			.satisfies((peer) -> assertThat(peer.getNamespaceSelector().getMatchLabels())
				.containsEntry("kubernetes.io/metadata.name", "monitoring"));
		assertThat(policy.getSpec().getIngress()).hasSize(2);
	}

	@Test
	void networkPolicy_ingressRestricted_httpFromThoseSourcesAndHelmTestPods() {

		Manifests manifests = HelmChart.render(HelmChart.PRODUCTION_VALUES, Map.of());

		NetworkPolicyIngressRule http = ingressRuleFor(manifests.get(NetworkPolicy.class, Manifests.name("web")), 8082);
		assertThat(http.getFrom()).hasSize(2);
		assertThat(http.getFrom().get(0).getNamespaceSelector().getMatchLabels())
			.containsEntry("kubernetes.io/metadata.name", "ingress-nginx");
		assertThat(http.getFrom().get(1).getPodSelector().getMatchLabels()).containsEntry("app.kubernetes.io/component",
				"test");
	}

	@Test
	void networkPolicy_defaultValues_egressAllowsDnsOverUdpAndTcp() {
		for (NetworkPolicy policy : DEFAULTS.all(NetworkPolicy.class)) {

			List<String> ports = egressPorts(policy);

			assertThat(ports).as(policy.getMetadata().getName()).contains("UDP/53", "TCP/53");
		}
	}

	@Test
	void networkPolicy_defaultValues_egressAllowsProviderAndIssuerPortsOnly() {

		List<String> ports = egressPorts(DEFAULTS.get(NetworkPolicy.class, Manifests.name("mobile")));

		assertThat(ports).containsExactlyInAnyOrder("UDP/53", "TCP/53", "TCP/8080", "TCP/50051");
	}

	@Test
	void networkPolicy_providerAndIssuerElsewhere_egressFollowsTheirUrls() {

		Manifests manifests = HelmChart.render(HelmChart.set("edge.providers.kitchen.url", "http://kitchen.ftgo:9000",
				"spring.security.oauth2.resourceserver.jwt.issuer-uri", "https://login.example.com/realms/ftgo"));

		assertThat(egressPorts(manifests.get(NetworkPolicy.class, Manifests.name("web")))).contains("TCP/9000",
				"TCP/443", "TCP/8080");
	}

	@Test
	void networkPolicy_stubsEnabled_egressToStubProviderAndIdentityPorts() {

		Manifests manifests = HelmChart.render(HelmChart.set("stubs.enabled", true));

		assertThat(egressPorts(manifests.get(NetworkPolicy.class, Manifests.name("web")))).containsExactlyInAnyOrder(
				"UDP/53", "TCP/53", "TCP/9081", "TCP/9082", "TCP/9083", "TCP/9084", "TCP/9085", "TCP/9086", "TCP/9087",
				"TCP/9090");
	}

	@Test
	void networkPolicy_redisDisabled_noRedisEgress() {

		List<String> ports = egressPorts(DEFAULTS.get(NetworkPolicy.class, Manifests.name("public")));

		assertThat(ports).doesNotContain("TCP/6379");
		assertThat(DEFAULTS.find(NetworkPolicy.class, "ftgo-edge-redis")).isEmpty();
	}

	@Test
	void networkPolicy_redisEnabled_egressAllowsRedisPortToRedisPods() {

		Manifests manifests = HelmChart.render(HelmChart.set("redis.enabled", true, "secrets.redisPassword", "s3cret"));

		for (String bff : List.of("mobile", "web", "public")) {
			NetworkPolicy policy = manifests.get(NetworkPolicy.class, Manifests.name(bff));
			NetworkPolicyEgressRule redis = policy.getSpec()
				.getEgress()
				.stream()
				.filter((rule) -> rule.getPorts().stream().anyMatch((port) -> port.getPort().getIntVal() == 6379))
				.findFirst()
				.orElseThrow(() -> new AssertionError("no Redis egress in " + bff));
			assertThat(redis.getTo()).singleElement()
				.satisfies((peer) -> assertThat(peer.getPodSelector().getMatchLabels())
					.containsEntry("app.kubernetes.io/component", "redis"));
		}
		NetworkPolicyIngressRule intoRedis = manifests.get(NetworkPolicy.class, "ftgo-edge-redis")
			.getSpec()
			.getIngress()
			.get(0);
		assertThat(intoRedis.getPorts()).extracting((port) -> port.getPort().getIntVal()).containsExactly(6379);
		LabelSelector bffs = intoRedis.getFrom().get(0).getPodSelector();
		for (String bff : List.of("mobile", "web", "public")) {
			Map<String, String> podLabels = manifests.get(Deployment.class, Manifests.name(bff))
				.getSpec()
				.getTemplate()
				.getMetadata()
				.getLabels();
			assertThat(podLabels).as("bff-%s pods match Redis' ingress peer", bff)
				.containsAllEntriesOf(bffs.getMatchLabels());
			assertThat(bffs.getMatchExpressions()).allSatisfy((expression) -> {
				assertThat(expression.getOperator()).isEqualTo("In");
				assertThat(expression.getValues()).contains(podLabels.get(expression.getKey()));
			});
		}
	}

	@Test
	void networkPolicy_externalRedis_egressAllowsItsPort() {

		Manifests manifests = HelmChart.render(HelmChart.set("redis.enabled", true, "secrets.redisPassword", "s3cret",
				"redis.external.host", "redis.cache.example.com", "redis.external.port", 6380));

		assertThat(egressPorts(manifests.get(NetworkPolicy.class, Manifests.name("web")))).contains("TCP/6380")
			.doesNotContain("TCP/6379");
	}

	@Test
	void networkPolicy_disabled_noPolicies() {

		Manifests manifests = HelmChart.render(HelmChart.set("networkPolicy.enabled", false));

		assertThat(manifests.all(NetworkPolicy.class)).isEmpty();
	}

	private static NetworkPolicyIngressRule ingressRuleFor(NetworkPolicy policy, int port) {
		return policy.getSpec()
			.getIngress()
			.stream()
			.filter((rule) -> rule.getPorts().stream().anyMatch((candidate) -> candidate.getPort().getIntVal() == port))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no ingress rule for port " + port));
	}

	static List<String> egressPorts(NetworkPolicy policy) {
		return policy.getSpec()
			.getEgress()
			.stream()
			.flatMap((rule) -> rule.getPorts().stream())
			.map(NetworkPolicyTests::describe)
			.toList();
	}

	private static String describe(NetworkPolicyPort port) {
		return port.getProtocol() + "/" + port.getPort().getIntVal();
	}

}
