package io.ftgo.edge.stubs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.LinkedHashMap;
import java.util.Map;

import io.ftgo.edge.stubs.grpc.GrpcOrderProvider;
import io.ftgo.edge.stubs.identity.DevIdentityProvider;

/**
 * What an edge application test needs around it: the six stub providers, the gRPC order
 * provider and the dev identity provider on free ports, a free management port, and the
 * properties that point an edge application at them ({@code edge.providers.<id>.url},
 * {@code edge.providers.order.grpc.target}, {@code edge.security.jwt.issuer-uri},
 * {@code management.server.port}). A Spring Boot test uses the JVM's {@link #shared()
 * shared} environment through {@link io.ftgo.edge.stubs.junit.EdgeTest @EdgeTest};
 * {@link #start()} gives a private one (close it when done).
 */
public final class EdgeTestEnvironment implements AutoCloseable {

	private final DevIdentityProvider identity;

	private final FtgoProviders providers;

	private final GrpcOrderProvider grpcOrders;

	private final int managementPort;

	private EdgeTestEnvironment(DevIdentityProvider identity, FtgoProviders providers, GrpcOrderProvider grpcOrders,
			int managementPort) {
		this.identity = identity;
		this.providers = providers;
		this.grpcOrders = grpcOrders;
		this.managementPort = managementPort;
	}

	/**
	 * The environment of this JVM: started on first use, stopped when the JVM exits.
	 * Every test class that uses it (through {@link io.ftgo.edge.stubs.junit.EdgeTest})
	 * sees the same ports, so Spring can reuse one application context for test classes
	 * with the same configuration. Tests must not close it; the extension resets it
	 * before each test.
	 */
	public static EdgeTestEnvironment shared() {
		return Shared.INSTANCE;
	}

	/** Starts providers, the gRPC order provider and identity provider on free ports. */
	public static EdgeTestEnvironment start() {
		DevIdentityProvider identity = DevIdentityProvider.startOnRandomPort();
		GrpcOrderProvider grpcOrders = null;
		try {
			grpcOrders = GrpcOrderProvider.startOnRandomPorts();
			return new EdgeTestEnvironment(identity, FtgoProviders.startOnRandomPorts(), grpcOrders, freePort());
		}
		catch (RuntimeException ex) {
			if (grpcOrders != null) {
				grpcOrders.close();
			}
			identity.close();
			throw ex;
		}
	}

	public DevIdentityProvider identity() {
		return this.identity;
	}

	public FtgoProviders providers() {
		return this.providers;
	}

	/**
	 * The order service over gRPC (same seeds as the REST order provider), with its
	 * faults and call journal.
	 */
	public GrpcOrderProvider grpcOrders() {
		return this.grpcOrders;
	}

	/** A free port for {@code management.server.port} (actuator apart from the API). */
	public int managementPort() {
		return this.managementPort;
	}

	/** Properties that point an edge application at this environment. */
	public Map<String, Object> properties() {
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put("management.server.port", this.managementPort);
		properties.put("edge.security.jwt.issuer-uri", this.identity.issuer());
		for (Provider provider : Provider.values()) {
			properties.put("edge.providers." + provider.id() + ".url", this.providers.baseUrl(provider));
		}
		properties.put("edge.providers.order.grpc.target", this.grpcOrders.target());
		return properties;
	}

	/** A port nothing listens on right now. */
	public static int freePort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** Holder idiom: started once, on first use, thread-safe. */
	private static final class Shared {

		static final EdgeTestEnvironment INSTANCE = startShared();

		private static EdgeTestEnvironment startShared() {
			EdgeTestEnvironment environment = start();
			Runtime.getRuntime().addShutdownHook(new Thread(environment::close, "edge-test-environment-stop"));
			return environment;
		}

	}

	@Override
	public void close() {
		this.grpcOrders.close();
		this.providers.close();
		this.identity.close();
	}

}
