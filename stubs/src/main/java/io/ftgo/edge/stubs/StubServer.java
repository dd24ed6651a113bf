package io.ftgo.edge.stubs;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import io.ftgo.edge.stubs.grpc.GrpcOrderProvider;
import io.ftgo.edge.stubs.identity.DevIdentityProvider;

/**
 * Runs the six FTGO stub providers (9081..9086), the gRPC order provider (9087, its admin
 * API on 9187) and the dev identity provider (9090) until interrupted (Ctrl-C), then
 * stops them.
 * <p>
 * Options, as arguments, as system properties with the prefix {@code ftgo.stubs.} or as
 * environment variables {@code FTGO_STUBS_HOST}, {@code FTGO_STUBS_ISSUER}, ...
 * (arguments win, then system properties): {@code --order-port=N} ...
 * {@code --restaurant-port=N}, {@code --order-grpc-port=N},
 * {@code --order-grpc-admin-port=N}, {@code --identity-port=N} (0 = a free port),
 * {@code --host=ADDRESS} (default 127.0.0.1), {@code --issuer=URL} (default
 * http://localhost:{identity port}). Exits with status 2 and a message naming the port
 * when a port is taken or an option is wrong.
 */
public final class StubServer implements AutoCloseable {

	private final FtgoProviders providers;

	private final GrpcOrderProvider grpcOrders;

	private final DevIdentityProvider identity;

	private StubServer(FtgoProviders providers, GrpcOrderProvider grpcOrders, DevIdentityProvider identity) {
		this.providers = providers;
		this.grpcOrders = grpcOrders;
		this.identity = identity;
	}

	public static void main(String[] args) throws InterruptedException {
		StubServer server;
		try {
			server = start(args);
		}
		catch (IllegalArgumentException | IllegalStateException ex) {
			System.err.println("ftgo stub server: " + ex.getMessage());
			System.exit(2);
			return;
		}
		Runtime.getRuntime().addShutdownHook(new Thread(server::close, "stub-server-shutdown"));
		System.out.println(server.banner());
		new CountDownLatch(1).await();
	}

	/**
	 * Starts providers and identity provider with the given options; stops what started
	 * if anything fails.
	 * @throws IllegalArgumentException for an unknown or malformed option
	 * @throws IllegalStateException if a port is taken
	 */
	static StubServer start(String... args) {
		Map<String, String> options = options(args);
		String host = options.getOrDefault("host", "127.0.0.1");
		FtgoProviders.Builder builder = FtgoProviders.builder().host(host);
		for (Provider provider : Provider.values()) {
			builder.port(provider, port(options, provider.id() + "-port", provider.defaultPort()));
		}
		FtgoProviders providers = builder.start();
		GrpcOrderProvider grpcOrders = null;
		try {
			grpcOrders = GrpcOrderProvider.builder()
				.host(host)
				.port(port(options, "order-grpc-port", GrpcOrderProvider.DEFAULT_PORT))
				.adminPort(port(options, "order-grpc-admin-port", GrpcOrderProvider.DEFAULT_ADMIN_PORT))
				.start();
			DevIdentityProvider.Builder identity = DevIdentityProvider.builder()
				.host(host)
				.port(port(options, "identity-port", DevIdentityProvider.DEFAULT_PORT));
			if (options.containsKey("issuer")) {
				identity.issuer(options.get("issuer"));
			}
			return new StubServer(providers, grpcOrders, identity.start());
		}
		catch (RuntimeException ex) {
			if (grpcOrders != null) {
				grpcOrders.close();
			}
			providers.close();
			throw ex;
		}
	}

	FtgoProviders providers() {
		return this.providers;
	}

	GrpcOrderProvider grpcOrders() {
		return this.grpcOrders;
	}

	DevIdentityProvider identity() {
		return this.identity;
	}

	/** What runs where, and what to try. */
	String banner() {
		StringBuilder text = new StringBuilder("FTGO stub server\n\n");
		this.providers.baseUrls()
			.forEach((provider, url) -> text.append(String.format("  %-10s %s%n", provider.id(), url)));
		text.append(String.format("  %-10s %s (gRPC, plaintext; journal and faults: %s/__admin/requests)%n",
				"order-grpc", this.grpcOrders.target(), this.grpcOrders.adminUrl()));
		text.append(String.format("  %-10s %s (issuer %s)%n%n", "identity", this.identity.baseUrl(),
				this.identity.issuer()));
		String orders = this.providers.baseUrl(Provider.ORDER);
		text.append("Try:\n");
		text.append("  curl -s ").append(orders).append("/orders/7001\n");
		text.append("  curl -s '").append(orders).append("/orders?consumerId=1001'\n");
		text.append("  curl -s ").append(this.grpcOrders.adminUrl()).append("/__admin/requests\n");
		text.append("  curl -s -X POST ")
			.append(this.identity.baseUrl())
			.append("/oauth2/token -d grant_type=password -d username=alice -d password=password\n");
		text.append("  curl -s -u partner-ajanta:ajanta-secret -X POST ")
			.append(this.identity.baseUrl())
			.append("/oauth2/token -d grant_type=client_credentials\n\n");
		text.append("Fault ids (alice's orders):\n");
		text.append("  7901  GET ")
			.append(this.providers.baseUrl(Provider.DELIVERY))
			.append("/deliveries/7901 answers after 5 s\n");
		text.append("  7902  GET ")
			.append(this.providers.baseUrl(Provider.KITCHEN))
			.append("/tickets/7902 answers 500\n");
		text.append("  7903  GET ")
			.append(this.providers.baseUrl(Provider.ACCOUNTING))
			.append("/bills/7903 resets the connection\n");
		text.append("  7904  its restaurant: GET ")
			.append(this.providers.baseUrl(Provider.RESTAURANT))
			.append("/restaurants/503 answers malformed JSON\n\n");
		text.append("Users alice, bob, carol, dave (password 'password'); partners partner-ajanta, partner-eggshop.\n");
		text.append("Seed data: stubs/README.md. Ctrl-C stops.");
		return text.toString();
	}

	@Override
	public void close() {
		this.identity.close();
		this.grpcOrders.close();
		this.providers.close();
	}

	private static Map<String, String> options(String[] args) {
		Map<String, String> options = new LinkedHashMap<>();
		for (String key : new String[] { "host", "issuer", "identity-port", "order-port", "kitchen-port",
				"delivery-port", "accounting-port", "consumer-port", "restaurant-port", "order-grpc-port",
				"order-grpc-admin-port" }) {
			// Environment (FTGO_STUBS_HOST, as the Helm chart sets it) < system property
			// < argument.
			String value = System.getProperty("ftgo.stubs." + key,
					System.getenv("FTGO_STUBS_" + key.toUpperCase(java.util.Locale.ROOT).replace('-', '_')));
			if (value != null) {
				options.put(key, value);
			}
		}
		for (String arg : args) {
			int eq = arg.indexOf('=');
			if (!arg.startsWith("--") || eq < 0) {
				throw new IllegalArgumentException("option: '" + arg
						+ "' (expected: --name=value, e.g. --order-port=19081, --identity-port=0, --host=0.0.0.0)");
			}
			options.put(arg.substring(2, eq), arg.substring(eq + 1));
		}
		for (String key : options.keySet()) {
			boolean known = key.equals("host") || key.equals("issuer") || key.equals("identity-port")
					|| key.equals("order-grpc-port") || key.equals("order-grpc-admin-port")
					|| (key.endsWith("-port") && isProvider(key.substring(0, key.length() - 5)));
			if (!known) {
				throw new IllegalArgumentException("option: '--" + key
						+ "' (expected: --host, --issuer, --identity-port, --order-grpc-port, --order-grpc-admin-port or --{order|kitchen|delivery|accounting|consumer|restaurant}-port)");
			}
		}
		return options;
	}

	private static boolean isProvider(String id) {
		for (Provider provider : Provider.values()) {
			if (provider.id().equals(id)) {
				return true;
			}
		}
		return false;
	}

	private static int port(Map<String, String> options, String key, int defaultPort) {
		String value = options.get(key);
		if (value == null) {
			return defaultPort;
		}
		try {
			int port = Integer.parseInt(value.trim());
			if (port >= 0 && port <= 65535) {
				return port;
			}
		}
		catch (NumberFormatException ex) {
			// reported below
		}
		throw new IllegalArgumentException(key + ": '" + value + "' (expected: a port 0..65535)");
	}

}
