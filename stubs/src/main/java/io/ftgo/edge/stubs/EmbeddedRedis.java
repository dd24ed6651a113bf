package io.ftgo.edge.stubs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;

import redis.embedded.RedisServer;

/**
 * A real {@code redis-server} process for tests, from the binary embedded-redis ships
 * (Linux x86-64/arm64, macOS, Windows): nothing to install, started on a free loopback
 * port, without persistence.
 */
public final class EmbeddedRedis implements AutoCloseable {

	private final int port;

	private RedisServer server;

	public EmbeddedRedis() {
		this.port = freePort();
	}

	public static EmbeddedRedis start() {
		EmbeddedRedis redis = new EmbeddedRedis();
		redis.startServer();
		return redis;
	}

	public int port() {
		return this.port;
	}

	/** (Re)starts the server on the same port. */
	public void startServer() {
		try {
			this.server = RedisServer.newRedisServer()
				.port(this.port)
				.bind("127.0.0.1")
				.setting("save \"\"")
				.setting("appendonly no")
				.build();
			this.server.start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("redis-server did not start on port " + this.port, ex);
		}
	}

	/** Stops the server; the port stays ours for a restart. */
	public void stopServer() {
		try {
			if (this.server != null && this.server.isActive()) {
				this.server.stop();
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@Override
	public void close() {
		stopServer();
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
