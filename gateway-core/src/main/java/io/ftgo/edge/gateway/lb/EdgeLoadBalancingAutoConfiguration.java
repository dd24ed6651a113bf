package io.ftgo.edge.gateway.lb;

import java.time.Clock;

import io.ftgo.edge.gateway.composition.EdgeCompositionAutoConfiguration;
import io.ftgo.edge.gateway.composition.EdgeCompositionProperties;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cloud.client.discovery.ReactiveDiscoveryClient;
import org.springframework.context.annotation.Bean;

/**
 * Client-side load balancing of providers with several instances
 * ({@code edge.load-balancing}), for proxied routes and composed calls alike. Without
 * {@code edge.load-balancing.providers} nothing changes: each provider is its one URL.
 */
@AutoConfiguration(before = EdgeCompositionAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
@EnableConfigurationProperties({ EdgeLoadBalancingProperties.class, EdgeCompositionProperties.class })
public class EdgeLoadBalancingAutoConfiguration {

	@Bean
	ProviderBalancers edgeProviderBalancers(EdgeLoadBalancingProperties properties, EdgeCompositionProperties providers,
			ObjectProvider<ReactiveDiscoveryClient> discovery, ObjectProvider<MeterRegistry> meters) {
		return ProviderBalancers.of(properties, providers.providers(), discovery.getIfUnique(), Clock.systemUTC(),
				meters.getIfAvailable());
	}

	@Bean
	LoadBalancingGlobalFilter edgeLoadBalancingGlobalFilter(ProviderBalancers balancers) {
		return new LoadBalancingGlobalFilter(balancers);
	}

	@Bean
	LoadBalancingExchangeFilterFunction edgeLoadBalancingExchangeFilterFunction(ProviderBalancers balancers) {
		return new LoadBalancingExchangeFilterFunction(balancers);
	}

}
