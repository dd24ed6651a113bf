package io.ftgo.edge.gateway.lb;

import java.net.URI;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.simple.InstanceProperties;
import org.springframework.cloud.client.discovery.simple.reactive.SimpleReactiveDiscoveryClient;
import org.springframework.cloud.client.discovery.simple.reactive.SimpleReactiveDiscoveryProperties;

import io.ftgo.edge.composition.ProviderDefinition;
import io.ftgo.edge.security.config.InvalidEdgeConfigurationException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@code edge.load-balancing} bound as in an application: where instances come from
 * (static list, DNS, a discovery client), which requests are balanced (by the provider
 * URL's authority), and start-up validation naming the key.
 */
class ProviderBalancersTests {

	@Test
	void staticInstances_roundRobin_onlyForTheProviderUrlsAuthority() {
		ProviderBalancers balancers = bind(Map.of("edge.providers.order.url", "http://order.invalid:8080",
				"edge.providers.kitchen.url", "http://kitchen.invalid:8080",
				"edge.load-balancing.providers.order.instances[0]", "http://10.0.0.1:9081",
				"edge.load-balancing.providers.order.instances[1]", "http://10.0.0.2:9081"), null);

		ProviderBalancer order = balancers.forUri(URI.create("http://order.invalid:8080/orders/1?x=1"));
		assertThat(order).isNotNull();
		assertThat(balancers.forUri(URI.create("http://kitchen.invalid:8080/tickets/1"))).isNull();
		assertThat(balancers.forUri(URI.create("http://order.invalid:9999/orders/1"))).isNull();
		List<String> hosts = List.of(order.choose().block().getHost(), order.choose().block().getHost(),
				order.choose().block().getHost());
		// Round robin: alternating over the two instances.
		assertThat(hosts.get(0)).isNotEqualTo(hosts.get(1)).isEqualTo(hosts.get(2));
		assertThat(hosts).containsOnly("10.0.0.1", "10.0.0.2");
		ServiceInstance instance = order.choose().block();
		assertThat(ProviderBalancer.reconstruct(URI.create("http://order.invalid:8080/orders/1?x=a%20b"), instance))
			.hasToString("http://" + instance.getHost() + ":9081/orders/1?x=a%20b");
	}

	@Test
	void dns_everyAddressOfTheUrlsHost_withTheUrlsPort() {
		ProviderBalancers balancers = bind(Map.of("edge.providers.order.url", "http://localhost:9081",
				"edge.load-balancing.providers.order.discovery", "dns"), null);

		ServiceInstance instance = balancers.forUri(URI.create("http://localhost:9081/orders/1")).choose().block();
		assertThat(instance.getHost()).isIn("127.0.0.1", "0:0:0:0:0:0:0:1");
		assertThat(instance.getPort()).isEqualTo(9081);
	}

	@Test
	void client_instancesFromTheDiscoveryClient() {
		SimpleReactiveDiscoveryProperties properties = new SimpleReactiveDiscoveryProperties();
		InstanceProperties one = new InstanceProperties();
		one.setUri(URI.create("http://10.0.0.9:8080"));
		one.setServiceId("ftgo-order-service");
		properties.setInstances(Map.of("ftgo-order-service", List.of(one)));
		ProviderBalancers balancers = bind(
				Map.of("edge.providers.order.url", "http://order.invalid:8080",
						"edge.load-balancing.providers.order.discovery", "client",
						"edge.load-balancing.providers.order.service-id", "ftgo-order-service"),
				new SimpleReactiveDiscoveryClient(properties));

		ServiceInstance instance = balancers.forUri(URI.create("http://order.invalid:8080/orders/1")).choose().block();
		assertThat(instance.getHost()).isEqualTo("10.0.0.9");
	}

	@Test
	void badConfiguration_stopsStartUpNamingTheKey() {
		assertThatExceptionOfType(InvalidEdgeConfigurationException.class)
			.isThrownBy(() -> bind(Map.of("edge.providers.order.url", "http://order.invalid:8080",
					"edge.load-balancing.providers.ordr.instances[0]", "http://10.0.0.1:9081"), null))
			.withMessageContaining("edge.load-balancing.providers.ordr");
		assertThatExceptionOfType(InvalidEdgeConfigurationException.class)
			.isThrownBy(() -> bind(Map.of("edge.providers.order.url", "http://order.invalid:8080",
					"edge.load-balancing.providers.order.instances[0]", "10.0.0.1"), null))
			.withMessageContaining("edge.load-balancing.providers.order.instances[0]");
		assertThatExceptionOfType(InvalidEdgeConfigurationException.class)
			.isThrownBy(() -> bind(Map.of("edge.providers.order.url", "http://order.invalid:8080",
					"edge.load-balancing.providers.order.discovery", "client"), null))
			.withMessageContaining("edge.load-balancing.providers.order.discovery");
		assertThatExceptionOfType(InvalidEdgeConfigurationException.class)
			.isThrownBy(() -> bind(Map.of("edge.load-balancing.outlier-ejection.max-ejection-percent", "150",
					"edge.load-balancing.outlier-ejection.consecutive-failures", "2"), null))
			.withMessageContaining("edge.load-balancing.outlier-ejection.max-ejection-percent");
		assertThatExceptionOfType(InvalidEdgeConfigurationException.class)
			.isThrownBy(
					() -> bind(
							Map.of("edge.providers.order.url", "http://order.invalid:8080",
									"edge.load-balancing.providers.order.instances[0]", "http://10.0.0.1:9081",
									"edge.load-balancing.providers.order.outlier-ejection.base-ejection-time", "0s"),
							null))
			.withMessageContaining("edge.load-balancing.providers.order.outlier-ejection.base-ejection-time");
	}

	@Test
	void grpcProvider_staticReplicas_forItsChannel_withTheHttpEjectionSettings() {
		Map<String, String> properties = new LinkedHashMap<>(grpcOrder());
		properties.put("edge.load-balancing.providers.order.instances[0]", "127.0.0.1:9087");
		properties.put("edge.load-balancing.providers.order.instances[1]", "127.0.0.1:9088");
		properties.put("edge.load-balancing.providers.order.instances[2]", "localhost:9089");
		properties.put("edge.load-balancing.outlier-ejection.consecutive-failures", "4");
		properties.put("edge.load-balancing.outlier-ejection.base-ejection-time", "20s");
		properties.put("edge.load-balancing.outlier-ejection.interval", "2s");
		ProviderBalancers balancers = bind(properties, null);

		// Not an HTTP provider: no request URL is balanced.
		assertThat(balancers.isEmpty()).isTrue();
		io.ftgo.edge.composition.grpc.GrpcBalancing order = balancers.grpc().get("order");
		assertThat(order.addresses()).extracting(java.net.InetSocketAddress::getPort).containsExactly(9087, 9088, 9089);
		assertThat(order.target()).isNull();
		assertThat(order.requestVolume()).isEqualTo(4);
		assertThat(order.baseEjectionTime()).hasSeconds(20);
		assertThat(order.interval()).hasSeconds(2);
		assertThat(order.failurePercentage()).isEqualTo(50);
		// 50% of three replicas is one as for HTTP: grpc-java stops at 33%.
		assertThat(order.maxEjectionPercent()).isEqualTo(33);
	}

	@Test
	void grpcProvider_oneReplica_isNeverEjected() {
		Map<String, String> properties = new LinkedHashMap<>(grpcOrder());
		properties.put("edge.load-balancing.providers.order.instances[0]", "127.0.0.1:9087");
		assertThat(bind(properties, null).grpc().get("order").maxEjectionPercent()).isZero();
	}

	@Test
	void grpcProvider_dns_resolvesTheTarget() {
		Map<String, String> properties = new LinkedHashMap<>(grpcOrder());
		properties.put("edge.load-balancing.providers.order.discovery", "dns");
		io.ftgo.edge.composition.grpc.GrpcBalancing order = bind(properties, null).grpc().get("order");
		assertThat(order.target()).isEqualTo("dns:///order.internal:9087");
		assertThat(order.addresses()).isEmpty();
		assertThat(order.maxEjectionPercent()).isEqualTo(50);
	}

	@Test
	void grpcProvider_badReplicas_stopStartUpNamingTheKey() {
		for (String bad : List.of("http://10.0.0.1:9087", "10.0.0.1", "order.invalid:9087")) {
			Map<String, String> properties = new LinkedHashMap<>(grpcOrder());
			properties.put("edge.load-balancing.providers.order.instances[0]", "127.0.0.1:9087");
			properties.put("edge.load-balancing.providers.order.instances[1]", bad);
			assertThatExceptionOfType(InvalidEdgeConfigurationException.class).as(bad)
				.isThrownBy(() -> bind(properties, null))
				.withMessageContaining("edge.load-balancing.providers.order.instances[1]");
		}
		Map<String, String> client = new LinkedHashMap<>(grpcOrder());
		client.put("edge.load-balancing.providers.order.discovery", "client");
		assertThatExceptionOfType(InvalidEdgeConfigurationException.class).isThrownBy(() -> bind(client, null))
			.withMessageContaining("edge.load-balancing.providers.order.discovery");
		Map<String, String> interval = new LinkedHashMap<>(grpcOrder());
		interval.put("edge.load-balancing.providers.order.instances[0]", "127.0.0.1:9087");
		interval.put("edge.load-balancing.outlier-ejection.interval", "0s");
		assertThatExceptionOfType(InvalidEdgeConfigurationException.class).isThrownBy(() -> bind(interval, null))
			.withMessageContaining("edge.load-balancing.outlier-ejection.interval");
	}

	private static Map<String, String> grpcOrder() {
		return Map.of("edge.providers.order.transport", "grpc", "edge.providers.order.grpc.target",
				"order.internal:9087", "edge.providers.order.grpc.services[0]",
				"net.chrisrichardson.ftgo.orderservice.grpc.OrderServiceGrpc");
	}

	static ProviderBalancers bind(Map<String, String> properties,
			org.springframework.cloud.client.discovery.ReactiveDiscoveryClient discovery) {
		Binder binder = new Binder(new MapConfigurationPropertySource(new LinkedHashMap<>(properties)));
		Map<String, ProviderDefinition> providers = binder
			.bind("edge.providers", Bindable.mapOf(String.class, ProviderDefinition.class))
			.orElse(Map.of());
		EdgeLoadBalancingProperties lb = binder.bind("edge.load-balancing", EdgeLoadBalancingProperties.class)
			.orElseGet(() -> new EdgeLoadBalancingProperties(null, null));
		return ProviderBalancers.of(lb, providers, discovery, Clock.systemUTC(), null);
	}

}
