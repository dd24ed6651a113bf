package io.ftgo.edge.stubs.junit;

import io.ftgo.edge.stubs.EdgeTestEnvironment;
import io.ftgo.edge.stubs.FtgoProviders;
import io.ftgo.edge.stubs.grpc.GrpcOrderProvider;
import io.ftgo.edge.stubs.identity.DevIdentityProvider;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * The JUnit 5 side of {@link EdgeTest}: resets the shared environment's providers before
 * each test and resolves {@link EdgeTestEnvironment}, {@link FtgoProviders} and
 * {@link DevIdentityProvider} parameters. Usable alone with
 * {@code @ExtendWith(EdgeTestEnvironmentExtension.class)} in tests without Spring.
 */
public class EdgeTestEnvironmentExtension implements BeforeEachCallback, ParameterResolver {

	@Override
	public void beforeEach(ExtensionContext context) {
		EdgeTestEnvironment.shared().providers().reset();
		EdgeTestEnvironment.shared().grpcOrders().reset();
	}

	@Override
	public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
		Class<?> type = parameter.getParameter().getType();
		return type == EdgeTestEnvironment.class || type == FtgoProviders.class || type == DevIdentityProvider.class
				|| type == GrpcOrderProvider.class;
	}

	@Override
	public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
		EdgeTestEnvironment environment = EdgeTestEnvironment.shared();
		Class<?> type = parameter.getParameter().getType();
		if (type == FtgoProviders.class) {
			return environment.providers();
		}
		if (type == DevIdentityProvider.class) {
			return environment.identity();
		}
		if (type == GrpcOrderProvider.class) {
			return environment.grpcOrders();
		}
		return environment;
	}

}
