package io.ftgo.edge.security.config;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.env.Environment;

/**
 * Validates every {@link EdgeSettings} bean as it is created, i.e. right after binding,
 * before anything is built from it. Imported by each edge auto-configuration that binds
 * settings (importing it more than once registers it once); not conditional, so
 * overriding an edge bean cannot skip the check.
 */
public class EdgeSettingsValidator implements BeanPostProcessor, EnvironmentAware {

	private Environment environment;

	@Override
	public void setEnvironment(Environment environment) {
		this.environment = environment;
	}

	@Override
	public Object postProcessBeforeInitialization(Object bean, String beanName) {
		if (bean instanceof EdgeSettings settings) {
			settings.validate(this.environment);
		}
		return bean;
	}

}
