package io.ftgo.edge.gateway.session;

import java.time.Duration;
import java.util.List;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SetArgs;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.reactive.RedisReactiveCommands;
import io.lettuce.core.codec.StringCodec;
import reactor.core.publisher.Mono;

import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;

import io.ftgo.edge.security.config.InvalidEdgeConfigurationException;

/**
 * Sessions in Redis (standalone, from {@code spring.data.redis.*}), so that every replica
 * of a BFF sees every session. Its own Lettuce client, connected asynchronously, commands
 * rejected at once while disconnected and bounded by a timeout, replies emitted off the
 * connection's I/O thread. A Redis outage fails session requests (503), never bearer
 * requests.
 */
final class RedisSessionStore implements SessionStore, AutoCloseable {

	private final RedisClient client;

	private final RedisURI uri;

	private final String prefix;

	private volatile Mono<StatefulRedisConnection<String, String>> connection;

	RedisSessionStore(DataRedisConnectionDetails details, String prefix, Duration timeout) {
		if (details == null || details.getStandalone() == null || details.getSentinel() != null
				|| details.getCluster() != null) {
			throw new InvalidEdgeConfigurationException(EdgeSessionProperties.PREFIX + ".redis.enabled", true,
					"a standalone Redis in spring.data.redis.host/port (or url)");
		}
		DataRedisConnectionDetails.Standalone standalone = details.getStandalone();
		RedisURI.Builder builder = RedisURI.Builder.redis(standalone.getHost(), standalone.getPort())
			.withDatabase(standalone.getDatabase())
			.withTimeout(timeout.compareTo(Duration.ofSeconds(2)) > 0 ? timeout : Duration.ofSeconds(2));
		if (details.getPassword() != null) {
			builder.withAuthentication(details.getUsername(), details.getPassword().toCharArray());
		}
		this.uri = builder.build();
		this.prefix = prefix;
		this.client = RedisClient.create();
		this.client.setOptions(ClientOptions.builder()
			.autoReconnect(true)
			.disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
			.publishOnScheduler(true)
			.timeoutOptions(TimeoutOptions.enabled(timeout))
			.socketOptions(SocketOptions.builder().connectTimeout(Duration.ofSeconds(2)).build())
			.build());
		this.connection = connect();
	}

	private Mono<StatefulRedisConnection<String, String>> connect() {
		return Mono.fromCompletionStage(() -> this.client.connectAsync(StringCodec.UTF8, this.uri))
			.cache((c) -> Duration.ofDays(365 * 100), (ex) -> Duration.ZERO, () -> Duration.ZERO);
	}

	private Mono<RedisReactiveCommands<String, String>> commands() {
		return this.connection.map(StatefulRedisConnection::reactive);
	}

	String target() {
		return this.uri.getHost() + ":" + this.uri.getPort() + "/" + this.uri.getDatabase();
	}

	@Override
	public Mono<String> get(String key) {
		return commands().flatMap((redis) -> redis.get(this.prefix + key));
	}

	@Override
	public Mono<Void> put(String key, String value, Duration ttl) {
		return commands().flatMap((redis) -> redis.set(this.prefix + key, value, SetArgs.Builder.px(ttl.toMillis())))
			.then();
	}

	@Override
	public Mono<String> take(String key) {
		return commands().flatMap((redis) -> redis.getdel(this.prefix + key));
	}

	@Override
	public Mono<Void> delete(String key) {
		return commands().flatMap((redis) -> redis.del(this.prefix + key)).then();
	}

	@Override
	public Mono<Void> addToSet(String key, String member, Duration ttl) {
		return commands().flatMap(
				(redis) -> redis.sadd(this.prefix + key, member).then(redis.pexpire(this.prefix + key, ttl.toMillis())))
			.then();
	}

	@Override
	public Mono<List<String>> takeSet(String key) {
		return commands().flatMap((redis) -> redis.smembers(this.prefix + key)
			.collectList()
			.flatMap((members) -> redis.del(this.prefix + key).thenReturn(members)));
	}

	@Override
	public void close() {
		// As the rate limiter's client: never shut Lettuce down on the closing thread.
		Thread closer = new Thread(this.client::shutdownAsync, "edge-session-redis-shutdown");
		closer.setDaemon(true);
		closer.start();
	}

}
