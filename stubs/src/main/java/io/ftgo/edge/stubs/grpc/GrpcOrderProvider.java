package io.ftgo.edge.stubs.grpc;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketAddress;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.NettyServerBuilder;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * FTGO's order service over gRPC ({@code OrderService.proto} of the
 * {@code ftgo-order-grpc-api} contract), answering what the REST order provider answers
 * for the same seed ids, with run-time faults per method and a journal of the calls it
 * received (method, metadata, deadline, request, outcome). Its admin API
 * ({@code /__admin/requests}, {@code /__admin/faults}) is served over HTTP on a port of
 * its own. <pre>{@code
 * try (GrpcOrderProvider orders = GrpcOrderProvider.startOnRandomPorts()) {
 *     String target = orders.target();                   // 127.0.0.1:{port}
 *     orders.inject(GrpcFault.status(Status.Code.UNAVAILABLE).forMethod("GetOrder").times(1));
 *     // ... exercise the gateway ...
 *     assertThat(orders.callCount("GetOrder")).isEqualTo(2);
 *     assertThat(orders.calls("GetOrder").get(0).deadline()).isPresent();
 * }
 * }</pre> Plaintext HTTP/2 (no TLS), on grpc-netty with Netty NIO event loops of its own.
 * Serving calls is thread-safe; so is reconfiguring.
 */
public final class GrpcOrderProvider implements AutoCloseable {

	/** The gRPC port in the embedded run mode ({@code ./run-local.sh}). */
	public static final int DEFAULT_PORT = 9087;

	/** The admin API's HTTP port in the embedded run mode. */
	public static final int DEFAULT_ADMIN_PORT = 9187;

	private static final int RANDOM_PORT_ATTEMPTS = 5;

	/**
	 * A reset fault makes gRPC cancel the stream as an "internal error" and log a warning
	 * with a stack trace for it; kept quiet (held strongly: JUL keeps loggers weakly).
	 */
	private static final Logger SERVER_CALL_LOGGER = Logger.getLogger("io.grpc.internal.ServerCallImpl");

	static {
		SERVER_CALL_LOGGER.setLevel(Level.SEVERE);
	}

	private final String host;

	private final int port;

	private final OrderSeeds seeds;

	private final GrpcJournal journal = new GrpcJournal();

	private final GrpcFaults faults = new GrpcFaults();

	private final Map<SocketAddress, Channel> connections = TrackingServerChannel.newRegistry();

	private final ScheduledExecutorService scheduler;

	private final ExecutorService executor;

	private final EventLoopGroup boss;

	private final EventLoopGroup workers;

	private volatile Server server;

	private AdminServer admin;

	private GrpcOrderProvider(String host, int port) {
		this.host = host;
		this.port = port;
		this.seeds = OrderSeeds.fromMappings();
		this.scheduler = Executors.newSingleThreadScheduledExecutor(daemon("grpc-order-delay"));
		this.executor = Executors.newCachedThreadPool(daemon("grpc-order-call"));
		this.boss = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("grpc-order-boss", true),
				NioIoHandler.newFactory());
		this.workers = new MultiThreadIoEventLoopGroup(2, new DefaultThreadFactory("grpc-order-io", true),
				NioIoHandler.newFactory());
	}

	/** gRPC and admin on free ports, on 127.0.0.1 (tests). */
	public static GrpcOrderProvider startOnRandomPorts() {
		return builder().start();
	}

	/** gRPC on {@value #DEFAULT_PORT}, admin on {@value #DEFAULT_ADMIN_PORT}. */
	public static GrpcOrderProvider startOnFixedPorts() {
		return builder().port(DEFAULT_PORT).adminPort(DEFAULT_ADMIN_PORT).start();
	}

	public static Builder builder() {
		return new Builder();
	}

	/** The gRPC target, {@code host:port}, e.g. {@code 127.0.0.1:9087}. */
	public String target() {
		return urlHost() + ":" + this.port;
	}

	/** The gRPC port; the same across {@link #stop()}/{@link #start()}. */
	public int port() {
		return this.port;
	}

	/**
	 * The admin API's base URL, e.g. {@code http://127.0.0.1:9187} (no trailing slash).
	 */
	public String adminUrl() {
		return "http://" + urlHost() + ":" + this.admin.port();
	}

	/**
	 * Injects a fault until it is spent, {@link #clearFault cleared} or {@link #reset()};
	 * the newest matching fault wins.
	 * @return the fault's id
	 */
	public UUID inject(GrpcFault fault) {
		return this.faults.add(fault);
	}

	/** Removes one fault; false if there was none with this id. */
	public boolean clearFault(UUID id) {
		return this.faults.remove(id);
	}

	/** Removes every fault. */
	public void clearFaults() {
		this.faults.clear();
	}

	/** The faults, oldest first, with the calls each has left (-1: unlimited). */
	public Map<UUID, Map.Entry<GrpcFault, Integer>> faults() {
		return this.faults.list();
	}

	/**
	 * How many calls of this method were received ({@code GetOrder},
	 * {@code OrderService/GetOrder} or the full name; {@code *} or {@code null}: every
	 * method), faulted ones included.
	 */
	public int callCount(String method) {
		return this.journal.count(OrderServiceStub.bareMethod(method));
	}

	/** How many calls were received. */
	public int callCount() {
		return callCount(null);
	}

	/** Calls received per bare method name. */
	public Map<String, Integer> callCounts() {
		return this.journal.counts();
	}

	/**
	 * The (latest 10,000) calls of this method ({@code *} or {@code null}: all), oldest
	 * first.
	 */
	public List<GrpcCall> calls(String method) {
		return this.journal.calls(OrderServiceStub.bareMethod(method));
	}

	/** The (latest 10,000) calls received, oldest first. */
	public List<GrpcCall> calls() {
		return calls(null);
	}

	/** Clears the journal. */
	public void resetCalls() {
		this.journal.clear();
	}

	/** Back to the seeds: started if stopped, no faults, an empty journal. */
	public void reset() {
		start();
		clearFaults();
		resetCalls();
	}

	/**
	 * Stops serving gRPC (calls in flight are cancelled, connections closed; new ones
	 * refused) until {@link #start()}; the admin API, faults and journal stay.
	 */
	public synchronized void stop() {
		Server running = this.server;
		if (running != null) {
			this.server = null;
			running.shutdownNow();
			try {
				running.awaitTermination(5, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

	/** Serves gRPC again, on the same port. */
	public synchronized void start() {
		if (this.server == null) {
			this.server = startServer(this.port);
		}
	}

	/** Whether it serves gRPC. */
	public boolean isRunning() {
		return this.server != null;
	}

	@Override
	public synchronized void close() {
		stop();
		if (this.admin != null) {
			this.admin.stop();
		}
		this.scheduler.shutdownNow();
		this.executor.shutdownNow();
		this.workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
		this.boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
	}

	private Server startServer(int port) {
		CallInterceptor interceptor = new CallInterceptor(this.journal, this.faults, this.scheduler,
				(remote) -> TrackingServerChannel.reset(this.connections, remote));
		try {
			return NettyServerBuilder.forAddress(new InetSocketAddress(this.host, port))
				.channelFactory(() -> new TrackingServerChannel(this.connections))
				.bossEventLoopGroup(this.boss)
				.workerEventLoopGroup(this.workers)
				.executor(this.executor)
				.addService(ServerInterceptors.intercept(new OrderServiceStub(this.seeds), interceptor))
				.build()
				.start();
		}
		catch (IOException ex) {
			throw new IllegalStateException("gRPC order provider could not listen on " + this.host + ":" + port
					+ " (is the port in use?): " + ex.getMessage(), ex);
		}
	}

	private String urlHost() {
		return ("0.0.0.0".equals(this.host) || "::".equals(this.host)) ? "localhost" : this.host;
	}

	private static java.util.concurrent.ThreadFactory daemon(String name) {
		return (task) -> {
			Thread thread = new Thread(task, name);
			thread.setDaemon(true);
			return thread;
		};
	}

	/** Settings: host (default 127.0.0.1), gRPC and admin ports (default free ones). */
	public static final class Builder {

		private String host = "127.0.0.1";

		private int port;

		private int adminPort;

		private Builder() {
		}

		/** The address to bind (0.0.0.0 to serve other hosts). */
		public Builder host(String host) {
			if (host == null || host.isBlank()) {
				throw new IllegalArgumentException("host: '" + host + "' (expected: an address to bind)");
			}
			this.host = host;
			return this;
		}

		/** The gRPC port; 0 (the default) picks a free one. */
		public Builder port(int port) {
			this.port = checkPort("order-grpc port", port);
			return this;
		}

		/** The admin API's HTTP port; 0 (the default) picks a free one. */
		public Builder adminPort(int adminPort) {
			this.adminPort = checkPort("order-grpc admin port", adminPort);
			return this;
		}

		/**
		 * Starts gRPC and admin; stops what started if either cannot.
		 * @throws IllegalStateException naming the port if it is taken
		 */
		public GrpcOrderProvider start() {
			RuntimeException last = null;
			for (int attempt = 0; attempt < ((this.port == 0) ? RANDOM_PORT_ATTEMPTS : 1); attempt++) {
				// A concrete port (not 0) so that a restart binds the same one; another
				// process may take it between probe and bind, hence the retries.
				int grpcPort = (this.port != 0) ? this.port : freePort(this.host);
				GrpcOrderProvider provider = new GrpcOrderProvider(this.host, grpcPort);
				try {
					provider.start();
					provider.admin = AdminServer.start(provider, this.host, this.adminPort);
					return provider;
				}
				catch (RuntimeException ex) {
					provider.close();
					last = ex;
				}
			}
			throw last;
		}

		private static int checkPort(String name, int port) {
			if (port < 0 || port > 65535) {
				throw new IllegalArgumentException(name + ": " + port + " (expected: 0..65535)");
			}
			return port;
		}

		private static int freePort(String host) {
			try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(host))) {
				return socket.getLocalPort();
			}
			catch (IOException ex) {
				throw new IllegalStateException("No free port on " + host + ": " + ex.getMessage(), ex);
			}
		}

	}

}
