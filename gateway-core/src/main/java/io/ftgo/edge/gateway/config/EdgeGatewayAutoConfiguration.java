package io.ftgo.edge.gateway.config;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

import io.ftgo.edge.gateway.support.ClientAddressResolver;

/**
 * The edge every BFF gets by depending on {@code gateway-core}: routing (Spring Cloud
 * Gateway routes from YAML), composed endpoints, the edge chain, errors, limits and
 * observability.
 */
@AutoConfiguration
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
@EnableConfigurationProperties(EdgeGatewayProperties.class)
public class EdgeGatewayAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	ClientAddressResolver clientAddressResolver(EdgeGatewayProperties properties) {
		return new ClientAddressResolver(properties.trustedProxies());
	}

}
