package io.ftgo.edge.stubs.junit;

import java.util.LinkedHashMap;
import java.util.Map;

import io.ftgo.edge.stubs.EdgeTestEnvironment;

import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.PropertySource;
import org.springframework.test.context.support.TestPropertySourceUtils;

/**
 * The Spring side of {@link EdgeTest}: points the application at the JVM's shared
 * {@link EdgeTestEnvironment}, in a property source of the highest precedence. A key the
 * test sets itself ({@code @SpringBootTest(properties = ...)} or
 * {@code @DynamicPropertySource}) is left to the test.
 * <p>
 * Each application context gets a management port of its own: a free one when the context
 * starts, so that several cached contexts live side by side. Not {@code 0}: the edge
 * security opens actuator only on a known management port. (Spring Boot's random-port
 * support writes {@code management.server.port=0} into the inlined test properties; that
 * value is overridden here, an explicit other value such as {@code -1} is kept.)
 */
public class EdgeTestEnvironmentInitializer implements ApplicationContextInitializer<ConfigurableApplicationContext> {

	/** Name of the property source this initializer adds. */
	public static final String PROPERTY_SOURCE_NAME = "edgeTestEnvironment";

	private static final String DYNAMIC_PROPERTIES = "Dynamic Test Properties";

	private static final String MANAGEMENT_PORT = "management.server.port";

	@Override
	public void initialize(ConfigurableApplicationContext context) {
		MutablePropertySources sources = context.getEnvironment().getPropertySources();
		if (context.getParent() != null || sources.contains(PROPERTY_SOURCE_NAME)) {
			// A child context (the management server's) sees its parent's environment.
			return;
		}
		PropertySource<?> inlined = sources.get(TestPropertySourceUtils.INLINED_PROPERTIES_PROPERTY_SOURCE_NAME);
		PropertySource<?> dynamic = sources.get(DYNAMIC_PROPERTIES);
		Map<String, Object> properties = new LinkedHashMap<>();
		EdgeTestEnvironment.shared().properties().forEach((key, value) -> {
			if (!setByTest(key, inlined, dynamic)) {
				properties.put(key, value);
			}
		});
		if (!setByTest(MANAGEMENT_PORT, inlined, dynamic)) {
			properties.put(MANAGEMENT_PORT, EdgeTestEnvironment.freePort());
		}
		sources.addFirst(new MapPropertySource(PROPERTY_SOURCE_NAME, properties));
	}

	private static boolean setByTest(String key, PropertySource<?> inlined, PropertySource<?> dynamic) {
		if (dynamic != null && dynamic.containsProperty(key)) {
			return true;
		}
		if (inlined == null || !inlined.containsProperty(key)) {
			return false;
		}
		if (MANAGEMENT_PORT.equals(key)) {
			Object value = inlined.getProperty(key);
			return value != null && !"0".equals(value.toString()) && !value.toString().isEmpty();
		}
		return true;
	}

}
