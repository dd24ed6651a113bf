package io.ftgo.edge.helm;

import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code edge.load-balancing} reaches the BFFs' application.yaml as given, and the ports
 * of static provider instances open NetworkPolicy egress.
 */
class LoadBalancingChartTests {

	@Test
	void loadBalancing_staticInstances_inApplicationYamlAndEgress() {
		Manifests manifests = HelmChart.render(Map.of("edge.load-balancing.providers.order.instances[0]",
				"http://10.0.0.5:9181", "edge.load-balancing.providers.order.instances[1]", "http://10.0.0.6:9181",
				"edge.load-balancing.outlier-ejection.consecutive-failures", "4"));

		JsonNode lb = manifests.applicationYaml("web").path("edge").path("load-balancing");
		assertThat(lb.at("/providers/order/instances/1").asText()).isEqualTo("http://10.0.0.6:9181");
		assertThat(lb.at("/outlier-ejection/consecutive-failures").asInt()).isEqualTo(4);
		assertThat(NetworkPolicyTests.egressPorts(manifests.get(NetworkPolicy.class, Manifests.name("web"))))
			.contains("TCP/9181", "TCP/8080");
	}

	@Test
	void loadBalancing_dnsDiscovery_headlessServiceName() {
		Manifests manifests = HelmChart.render(Map.of("edge.providers.order.url",
				"http://ftgo-order-service-headless:8080", "edge.load-balancing.providers.order.discovery", "dns"));
		JsonNode web = manifests.applicationYaml("web").path("edge");
		assertThat(web.at("/load-balancing/providers/order/discovery").asText()).isEqualTo("dns");
		assertThat(web.at("/providers/order/url").asText()).isEqualTo("http://ftgo-order-service-headless:8080");
	}

}
