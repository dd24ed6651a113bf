package io.ftgo.edge.stubs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.LinkedHashMap;
import java.util.Map;

import io.ftgo.edge.stubs.identity.DevIdentityProvider;

/**
 * What an edge application test needs around it: the six stub providers and the dev
 * identity provider on free ports, a free management port, and the properties that point
 * an edge application at them ({@code edge.providers.<id>.url},
 * {@code edge.security.jwt.issuer-uri}, {@code management.server.port}). <pre>{@code
 * static final EdgeTestEnvironment env = EdgeTestEnvironment.start();
 *
 * &#64;DynamicPropertySource
 * static void properties(DynamicPropertyRegistry registry) {
 *     env.properties().forEach((key, value) -> registry.add(key, () -> value));
 * }
 * }</pre>
 */
public final class EdgeTestEnvironment implements AutoCloseable {

	private final DevIdentityProvider identity;

	private final FtgoProviders providers;

	private final int managementPort;

	private EdgeTestEnvironment(DevIdentityProvider identity, FtgoProviders providers, int managementPort) {
		this.identity = identity;
		this.providers = providers;
		this.managementPort = managementPort;
	}

	/** Starts providers and identity provider on free ports. */
	public static EdgeTestEnvironment start() {
		DevIdentityProvider identity = DevIdentityProvider.startOnRandomPort();
		try {
			return new EdgeTestEnvironment(identity, FtgoProviders.startOnRandomPorts(), freePort());
		}
		catch (RuntimeException ex) {
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

	@Override
	public void close() {
		this.providers.close();
		this.identity.close();
	}

}
