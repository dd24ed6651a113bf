package io.ftgo.edge.stubs;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.common.Metadata;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.http.RequestMethod;
import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

/**
 * The six FTGO provider services as WireMock servers, one per {@link Provider}, serving
 * the seed mappings under {@code wiremock/{provider}/mappings} on the classpath (see
 * stubs/README.md for the seed data and the fault ids).
 * <p>
 * Each server binds 127.0.0.1 (unless {@link Builder#host(String) told otherwise}),
 * serves delayed responses asynchronously with enough container threads that concurrent
 * delayed requests do not queue (with few threads, a delayed stub holds a thread and
 * delays the answers behind it), speaks HTTP/1.1 only and never gzips, so tests see the
 * bytes the mappings define.
 * <p>
 * Runtime faults are extra stubs with a higher priority than every seed mapping, tagged
 * in their metadata; {@link #clearFaults(Provider)} removes them by id and the seeds stay
 * as they were. <pre>{@code
 * try (FtgoProviders providers = FtgoProviders.startOnRandomPorts()) {
 *     String orders = providers.baseUrl(Provider.ORDER);           // http://127.0.0.1:{port}
 *     providers.inject(Provider.KITCHEN, ProviderFault.status(503));
 *     // ... exercise the gateway ...
 *     assertThat(providers.requestCount(Provider.KITCHEN, "GET", "/tickets/7001")).isEqualTo(1);
 * }
 * }</pre> Not thread-safe for concurrent reconfiguration; serving requests is.
 */
public final class FtgoProviders implements AutoCloseable {

	/** Priority of fault stubs; seed mappings use 5 (specific) and 10 (catch-all). */
	static final int FAULT_PRIORITY = 1;

	/** Metadata key marking a stub as an injected fault. */
	static final String FAULT_METADATA = "ftgo-fault";

	private static final int CONTAINER_THREADS = 64;

	private static final int ASYNC_RESPONSE_THREADS = 16;

	private static final int RANDOM_PORT_ATTEMPTS = 5;

	private final String host;

	private final Map<Provider, WireMockServer> servers;

	/** Ports fixed at start: a stopped provider comes back on the same one. */
	private final Map<Provider, Integer> ports = new EnumMap<>(Provider.class);

	private FtgoProviders(String host, Map<Provider, WireMockServer> servers) {
		this.host = host;
		this.servers = servers;
		servers.forEach((provider, server) -> this.ports.put(provider, server.port()));
	}

	/**
	 * Starts all six providers on free ports chosen at random (for tests, which may run
	 * in parallel with other builds on the same machine).
	 * @throws IllegalStateException if a provider cannot start
	 */
	public static FtgoProviders startOnRandomPorts() {
		return builder().start();
	}

	/**
	 * Starts all six providers on their {@link Provider#defaultPort() default ports}
	 * 9081..9086 (the embedded run mode and demos).
	 * @throws IllegalStateException naming the provider and port if a port is taken
	 */
	public static FtgoProviders startOnFixedPorts() {
		Builder builder = builder();
		for (Provider provider : Provider.values()) {
			builder.port(provider, provider.defaultPort());
		}
		return builder.start();
	}

	/** Settings for starting providers: host and per-provider ports (default random). */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * The provider's base URL, e.g. {@code http://127.0.0.1:9081} (no trailing slash).
	 */
	public String baseUrl(Provider provider) {
		String urlHost = ("0.0.0.0".equals(this.host) || "::".equals(this.host)) ? "localhost" : this.host;
		return "http://" + urlHost + ":" + port(provider);
	}

	/** The provider's port; stays the same across {@link #stop}/{@link #start}. */
	public int port(Provider provider) {
		return this.ports.get(provider);
	}

	/** Every provider's base URL, in {@link Provider} order. */
	public Map<Provider, String> baseUrls() {
		Map<Provider, String> urls = new EnumMap<>(Provider.class);
		for (Provider provider : Provider.values()) {
			urls.put(provider, baseUrl(provider));
		}
		return Collections.unmodifiableMap(urls);
	}

	/**
	 * The provider's WireMock server, for anything this class does not cover (extra
	 * stubs, verification). Stubs added here survive {@link #clearFaults} but not
	 * {@link #reset}.
	 */
	public WireMockServer server(Provider provider) {
		return this.servers.get(provider);
	}

	/**
	 * Makes one provider misbehave until {@link #clearFaults(Provider)} or
	 * {@link #reset()}. Faults take precedence over every seed mapping; of two faults on
	 * the same paths the later wins.
	 * @return the id of the fault stub (see {@link #clearFault(Provider, UUID)})
	 */
	public UUID inject(Provider provider, ProviderFault fault) {
		MappingBuilder stub = WireMock.any(WireMock.urlPathMatching(fault.pathRegex()))
			.atPriority(FAULT_PRIORITY)
			.withMetadata(Metadata.metadata().attr(FAULT_METADATA, fault.toString()))
			.willReturn(response(provider, fault));
		return server(provider).stubFor(stub).getId();
	}

	/** Removes one injected fault. */
	public void clearFault(Provider provider, UUID faultId) {
		server(provider).removeStubMapping(faultId);
	}

	/** Removes every fault injected into the provider; its seed mappings stay. */
	public void clearFaults(Provider provider) {
		WireMockServer server = server(provider);
		for (StubMapping stub : server.getStubMappings()) {
			if (isFault(stub)) {
				server.removeStubMapping(stub.getId());
			}
		}
	}

	/** Removes every injected fault from every provider. */
	public void clearFaults() {
		for (Provider provider : Provider.values()) {
			clearFaults(provider);
		}
	}

	/**
	 * Stops one provider: connections to its port are refused until
	 * {@link #start(Provider)}. Stubs, faults and the request journal are kept.
	 */
	public void stop(Provider provider) {
		WireMockServer server = server(provider);
		if (server.isRunning()) {
			server.stop();
		}
	}

	/**
	 * Starts a stopped provider again on the same port, with its seed mappings. A new
	 * server, not a restart of the old one: a restarted WireMockServer keeps its
	 * terminated async-response executor and every delayed answer then fails with a 500
	 * (WireMock 3.13.2). Stubs a test added directly on the old {@link #server(Provider)}
	 * are gone.
	 */
	public void start(Provider provider) {
		WireMockServer server = server(provider);
		if (!server.isRunning()) {
			this.servers.put(provider, startServerOn(this.host, provider, this.ports.get(provider)));
		}
	}

	static WireMockServer startServerOn(String host, Provider provider, int port) {
		AtomicReference<WireMockServer> self = new AtomicReference<>();
		WireMockConfiguration options = WireMockConfiguration.options()
			.bindAddress(host)
			.port(port)
			.http2PlainDisabled(true)
			.gzipDisabled(true)
			.containerThreads(CONTAINER_THREADS)
			.asynchronousResponseEnabled(true)
			.asynchronousResponseThreads(ASYNC_RESPONSE_THREADS)
			.mappingSource(new ClasspathMappings(provider))
			.extensions(new DelayFaultTransformer(() -> self.get().getStubMappings()))
			.extensionScanningEnabled(false);
		WireMockServer server = new WireMockServer(options);
		self.set(server);
		try {
			server.start();
		}
		catch (RuntimeException ex) {
			throw new IllegalStateException(provider.id() + " provider could not listen on " + host + ":" + port
					+ " (is the port in use?): " + Builder.rootMessage(ex), ex);
		}
		return server;
	}

	/**
	 * The provider's seed stubs as its mapping files on the classpath define them (fresh
	 * copies, nothing served): the gRPC order provider derives its answers from the order
	 * provider's, so both transports answer the same for the same ids.
	 */
	public static List<StubMapping> seedMappings(Provider provider) {
		return new ClasspathMappings(provider).stubs();
	}

	/** Whether the provider is serving. */
	public boolean isRunning(Provider provider) {
		return server(provider).isRunning();
	}

	/**
	 * Back to the seeds: restarts stopped providers, removes every fault and every stub a
	 * test added, and clears the request journals.
	 */
	public void reset() {
		for (Provider provider : Provider.values()) {
			start(provider);
			server(provider).resetAll();
		}
	}

	/**
	 * How many requests the provider received with this method ({@code null} or
	 * {@code ANY} for any) whose path (without query) matches {@code pathRegex}.
	 */
	public int requestCount(Provider provider, String method, String pathRegex) {
		RequestMethod requestMethod = (method == null) ? RequestMethod.ANY : RequestMethod.fromString(method);
		return server(provider)
			.findAll(RequestPatternBuilder.newRequestPattern(requestMethod, WireMock.urlPathMatching(pathRegex)))
			.size();
	}

	/** How many requests the provider received. */
	public int requestCount(Provider provider) {
		return requestCount(provider, null, ".*");
	}

	/**
	 * The requests the provider received, oldest first, with their headers (e.g. to check
	 * what the gateway forwarded).
	 */
	public List<LoggedRequest> requests(Provider provider) {
		List<LoggedRequest> requests = new ArrayList<>(server(provider).findAll(RequestPatternBuilder.allRequests()));
		requests.sort(Comparator.comparing(LoggedRequest::getLoggedDate));
		return requests;
	}

	/** Clears every provider's request journal. */
	public void resetRequests() {
		for (WireMockServer server : this.servers.values()) {
			server.resetRequests();
		}
	}

	/** Stops every provider. */
	@Override
	public void close() {
		for (WireMockServer server : this.servers.values()) {
			if (server.isRunning()) {
				server.stop();
			}
		}
	}

	static boolean isFault(StubMapping stub) {
		Metadata metadata = stub.getMetadata();
		return metadata != null && metadata.containsKey(FAULT_METADATA);
	}

	private static ResponseDefinitionBuilder response(Provider provider, ProviderFault fault) {
		return switch (fault.kind()) {
			case DELAY -> WireMock.aResponse()
				.withTransformers(DelayFaultTransformer.NAME)
				.withTransformerParameter(DelayFaultTransformer.DELAY_PARAMETER, fault.delay().toMillis());
			case STATUS -> WireMock.aResponse()
				.withStatus(fault.status())
				.withHeader("Content-Type", "application/problem+json")
				.withBody("{\"type\":\"about:blank\",\"title\":\"Injected fault\",\"status\":" + fault.status()
						+ ",\"detail\":\"" + provider.id() + " answers " + fault.status() + " (injected fault)\"}");
			case CONNECTION_RESET -> WireMock.aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER);
			case MALFORMED_BODY -> WireMock.aResponse()
				.withStatus(200)
				.withHeader("Content-Type", "application/json")
				.withBody("{\"injected\": \"malformed\", \"truncated\": [1, 2");
		};
	}

	/** Settings for {@link FtgoProviders}; every provider defaults to a random port. */
	public static final class Builder {

		private final Map<Provider, Integer> ports = new EnumMap<>(Provider.class);

		private String host = "127.0.0.1";

		private Builder() {
		}

		/**
		 * The address to bind (default 127.0.0.1; 0.0.0.0 to serve other hosts, e.g. in a
		 * demo cluster).
		 */
		public Builder host(String host) {
			if (host == null || host.isBlank()) {
				throw new IllegalArgumentException("host: '" + host + "' (expected: an address to bind)");
			}
			this.host = host;
			return this;
		}

		/** The provider's port; 0 (the default) picks a free one. */
		public Builder port(Provider provider, int port) {
			if (port < 0 || port > 65535) {
				throw new IllegalArgumentException(provider.id() + " port: " + port + " (expected: 0..65535)");
			}
			this.ports.put(provider, port);
			return this;
		}

		/**
		 * Starts all six providers; if one cannot start, those already started are
		 * stopped again.
		 * @throws IllegalStateException naming the provider and port if a port is taken
		 */
		public FtgoProviders start() {
			Map<Provider, WireMockServer> servers = new EnumMap<>(Provider.class);
			try {
				for (Provider provider : Provider.values()) {
					servers.put(provider, startServer(provider, this.ports.getOrDefault(provider, 0)));
				}
			}
			catch (RuntimeException ex) {
				servers.values().forEach(WireMockServer::stop);
				throw ex;
			}
			return new FtgoProviders(this.host, servers);
		}

		private WireMockServer startServer(Provider provider, int port) {
			if (port != 0) {
				return startServerOn(this.host, provider, port);
			}
			// A concrete port (not Jetty's 0) so that a restart binds the same port
			// again;
			// another process may take it between probe and bind, hence the retries.
			RuntimeException last = null;
			for (int attempt = 0; attempt < RANDOM_PORT_ATTEMPTS; attempt++) {
				try {
					return startServerOn(this.host, provider, freePort());
				}
				catch (IllegalStateException ex) {
					last = ex;
				}
			}
			throw last;
		}

		private int freePort() {
			try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(this.host))) {
				return socket.getLocalPort();
			}
			catch (IOException ex) {
				throw new IllegalStateException("No free port on " + this.host + ": " + ex.getMessage(), ex);
			}
		}

		static String rootMessage(Throwable ex) {
			Throwable root = ex;
			while (root.getCause() != null && root.getCause() != root) {
				root = root.getCause();
			}
			return root.getClass().getSimpleName() + ": " + root.getMessage();
		}

	}

}
