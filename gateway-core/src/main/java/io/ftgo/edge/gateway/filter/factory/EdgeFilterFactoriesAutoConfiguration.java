package io.ftgo.edge.gateway.filter.factory;

import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;

import io.ftgo.edge.gateway.config.EdgeGatewayAutoConfiguration;

/** The edge's own gateway filter factories, usable in any route's {@code filters}. */
@AutoConfiguration(after = EdgeGatewayAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
public class EdgeFilterFactoriesAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	SetJsonFieldFromPrincipalGatewayFilterFactory setJsonFieldFromPrincipalGatewayFilterFactory(
			ObjectProvider<JsonMapper> json) {
		return new SetJsonFieldFromPrincipalGatewayFilterFactory(
				json.getIfAvailable(() -> JsonMapper.builder().build()));
	}

}
