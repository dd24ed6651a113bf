package io.ftgo.edge.gateway.ratelimit;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.SslOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.resource.ClientResources;

import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.data.redis.autoconfigure.DataRedisProperties;
import org.springframework.boot.ssl.SslBundle;

import io.ftgo.edge.security.config.InvalidEdgeConfigurationException;

/**
 * The rate limiter's own Lettuce client, built from Boot's {@code spring.data.redis.*}
 * (standalone only). Its own client, not Boot's connection factory, so its options fit a
 * hot path without changing anyone else's: commands are rejected at once while
 * disconnected (no unbounded buffer during an outage), the command timeout is at least
 * the rate-limit timeout, connects are asynchronous, replies are emitted on Lettuce's
 * computation threads (the request chain then continues there, not on one I/O thread).
 */
final class RedisConnector
		implements Supplier<CompletableFuture<StatefulRedisConnection<String, byte[]>>>, AutoCloseable {

	/** Keys are text, values Bucket4j's serialized bucket states. */
	private static final RedisCodec<String, byte[]> CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);

	private final RedisClient client;

	private final RedisURI uri;

	RedisConnector(DataRedisConnectionDetails details, DataRedisProperties properties, ClientResources resources,
			Duration timeout) {
		if (details.getSentinel() != null || details.getCluster() != null || details.getMasterReplica() != null) {
			throw new InvalidEdgeConfigurationException(EdgeRateLimitProperties.PREFIX + ".redis.enabled", true,
					"a standalone Redis (spring.data.redis.host/port or url); sentinel, cluster and master-replica "
							+ "are not supported by the rate limiter yet");
		}
		DataRedisConnectionDetails.Standalone standalone = details.getStandalone();
		SslBundle bundle = details.getSslBundle();
		boolean ssl = bundle != null || properties.getSsl().isEnabled()
				|| (properties.getUrl() != null && properties.getUrl().startsWith("rediss:"));
		Duration commandTimeout = (properties.getTimeout() != null && properties.getTimeout().compareTo(timeout) > 0)
				? properties.getTimeout() : timeout;
		Duration connectTimeout = (properties.getConnectTimeout() != null) ? properties.getConnectTimeout()
				: Duration.ofSeconds(2);
		// The URI timeout also bounds the connection handshake: give it the connect
		// timeout; commands get theirs from the timeout options.
		RedisURI.Builder uri = RedisURI.Builder.redis(standalone.getHost(), standalone.getPort())
			.withDatabase(standalone.getDatabase())
			.withSsl(ssl)
			.withTimeout((connectTimeout.compareTo(commandTimeout) > 0) ? connectTimeout : commandTimeout);
		if (details.getPassword() != null) {
			uri.withAuthentication(details.getUsername(), details.getPassword().toCharArray());
		}
		if (properties.getClientName() != null) {
			uri.withClientName(properties.getClientName());
		}
		this.uri = uri.build();
		ClientOptions.Builder options = ClientOptions.builder()
			.autoReconnect(true)
			.disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
			// Emit reactive replies on Lettuce's computation threads, not on the one I/O
			// thread of the connection: the rest of the request's chain continues where
			// the decision is emitted.
			.publishOnScheduler(true)
			.timeoutOptions(TimeoutOptions.enabled(commandTimeout))
			.socketOptions(SocketOptions.builder().connectTimeout(connectTimeout).build());
		if (bundle != null) {
			options.sslOptions(SslOptions.builder()
				.jdkSslProvider()
				.keyManager(bundle.getManagers().getKeyManagerFactory())
				.trustManager(bundle.getManagers().getTrustManagerFactory())
				.build());
		}
		this.client = (resources != null) ? RedisClient.create(resources) : RedisClient.create();
		this.client.setOptions(options.build());
	}

	@Override
	public CompletableFuture<StatefulRedisConnection<String, byte[]>> get() {
		return this.client.connectAsync(CODEC, this.uri).toCompletableFuture();
	}

	/** Where it connects, without credentials (for logs). */
	String target() {
		return this.uri.getHost() + ":" + this.uri.getPort() + "/" + this.uri.getDatabase();
	}

	@Override
	public void close() {
		// shutdownAsync closes connections on the calling thread, which can spin inside
		// Lettuce (see RedisRateLimiter): never on the thread that shuts the application
		// down.
		Thread closer = new Thread(this.client::shutdownAsync, "edge-ratelimit-redis-shutdown");
		closer.setDaemon(true);
		closer.start();
	}

}
