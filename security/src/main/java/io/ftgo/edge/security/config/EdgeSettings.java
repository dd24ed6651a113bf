package io.ftgo.edge.security.config;

import org.springframework.core.env.Environment;

/**
 * Settings (a {@code @ConfigurationProperties} record) that check themselves when they
 * are bound: {@link EdgeSettingsValidator} calls {@link #validate(Environment)} as the
 * properties bean is created, before any bean that uses them. So a bad value stops
 * start-up even when an application overrides the beans built from it.
 */
public interface EdgeSettings {

	/**
	 * Checks every value.
	 * @param environment for values that fall back to other keys (e.g. the standard
	 * {@code spring.security.oauth2.resourceserver.jwt.issuer-uri})
	 * @throws InvalidEdgeConfigurationException on the first bad value
	 */
	void validate(Environment environment);

}
