package io.ftgo.edge.gateway.shedding;

import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;

import io.ftgo.edge.gateway.config.EdgeGatewayAutoConfiguration;
import io.ftgo.edge.security.config.EdgeSettingsValidator;

/**
 * Adaptive concurrency limit and priority shedding ({@link ConcurrencyLimitWebFilter})
 * from {@code edge.concurrency.*} ({@link EdgeConcurrencyProperties}), only with
 * {@code edge.concurrency.enabled=true}. The settings are bound and validated either way.
 */
@AutoConfiguration(after = EdgeGatewayAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
@Import(EdgeSettingsValidator.class)
@EnableConfigurationProperties(EdgeConcurrencyProperties.class)
public class EdgeConcurrencyAutoConfiguration {

	static final String ENABLED = EdgeConcurrencyProperties.PREFIX + ".enabled";

	@Bean
	@ConditionalOnProperty(name = ENABLED, havingValue = "true")
	@ConditionalOnMissingBean
	ConcurrencyLimitWebFilter concurrencyLimitWebFilter(EdgeConcurrencyProperties properties,
			ObjectProvider<MeterRegistry> meters, Environment environment) {
		String name = environment.getProperty("spring.application.name", "edge");
		return new ConcurrencyLimitWebFilter(properties, ConcurrencyLimiters.build(properties, name),
				meters.getIfAvailable());
	}

}
