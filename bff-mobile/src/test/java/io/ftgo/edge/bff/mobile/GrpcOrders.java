package io.ftgo.edge.bff.mobile;

import java.util.LinkedHashMap;
import java.util.Map;

import io.ftgo.edge.stubs.grpc.GrpcOrderProvider;

import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.test.context.support.TestPropertySourceUtils;

/**
 * The gRPC order provider of bff-mobile's tests: one per JVM on free loopback ports,
 * shared like the other stub providers, and an initializer (registered in
 * {@code META-INF/spring.factories}) that points {@code edge.providers.order.grpc.target}
 * at it, unless a test sets the key itself.
 */
public final class GrpcOrders implements ApplicationContextInitializer<ConfigurableApplicationContext> {

	private static final String TARGET = "edge.providers.order.grpc.target";

	private static GrpcOrderProvider shared;

	/**
	 * The JVM's gRPC order provider, started on first use.
	 * @return the provider
	 */
	public static synchronized GrpcOrderProvider shared() {
		if (shared == null) {
			shared = GrpcOrderProvider.startOnRandomPorts();
			Runtime.getRuntime().addShutdownHook(new Thread(shared::close, "grpc-order-stop"));
		}
		return shared;
	}

	@Override
	public void initialize(ConfigurableApplicationContext context) {
		if (context.getParent() != null) {
			return;
		}
		PropertySource<?> inlined = context.getEnvironment()
			.getPropertySources()
			.get(TestPropertySourceUtils.INLINED_PROPERTIES_PROPERTY_SOURCE_NAME);
		PropertySource<?> dynamic = context.getEnvironment().getPropertySources().get("Dynamic Test Properties");
		if ((inlined != null && inlined.containsProperty(TARGET))
				|| (dynamic != null && dynamic.containsProperty(TARGET))) {
			return;
		}
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put(TARGET, shared().target());
		context.getEnvironment().getPropertySources().addFirst(new MapPropertySource("grpcOrders", properties));
	}

}
