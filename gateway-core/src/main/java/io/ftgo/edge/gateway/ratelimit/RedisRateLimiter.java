package io.ftgo.edge.gateway.ratelimit;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Fixed windows in Redis: one budget per key for all replicas. One Lua script per
 * request, atomic in Redis: {@code INCR} the key, give it the window as expiry on its
 * first hit, answer the count and the time left ({@code PTTL}). The window starts with
 * the key's first request (Redis's clock, not the replicas'), so replicas need no clock
 * agreement.
 * <p>
 * Never hangs: every decision is bounded by {@code timeout}; a timeout, a lost or refused
 * connection, or a Redis error becomes {@link RateLimiterUnavailableException} (and
 * counts in {@code edge.ratelimit.redis.failures{reason}}), for the failure mode to
 * handle.
 * <p>
 * Uses Lettuce's reactive API on a connection opened asynchronously (never on the
 * caller's thread): Spring Data's template acquires its shared connection under a lock
 * and blocks while connecting, which must not happen on an event loop. Once connected,
 * Lettuce reconnects by itself; before that, a failed connect is retried at most once per
 * {@code reconnectInterval}, requests in between fail fast.
 */
public final class RedisRateLimiter implements RateLimiter, AutoCloseable {

	static final String SCRIPT = """
			local count = redis.call('INCR', KEYS[1])
			local ttl = redis.call('PTTL', KEYS[1])
			if ttl < 0 then
			  redis.call('PEXPIRE', KEYS[1], ARGV[1])
			  ttl = tonumber(ARGV[1])
			end
			return {count, ttl}
			""";

	static final String SCRIPT_SHA = sha1(SCRIPT);

	private static final RateLimiterUnavailableException NOT_CONNECTED = new RateLimiterUnavailableException("error",
			null);

	private final Supplier<CompletableFuture<StatefulRedisConnection<String, String>>> connector;

	private final String keyPrefix;

	private final Duration timeout;

	private final Duration reconnectInterval;

	private final Clock clock;

	private final AtomicReference<Attempt> connection = new AtomicReference<>();

	/**
	 * Commands are written from this thread, never from a server event loop: Lettuce's
	 * SharedLock can spin without bound when a connection is closed or reconnects while a
	 * command is being written (redis/lettuce#3804, #3880, open in 7.5). A spin there
	 * stalls rate limiting, which then answers in its failure mode after the timeout,
	 * instead of wedging the event loop that serves clients.
	 */
	private final Scheduler dispatcher = Schedulers.newBoundedElastic(1, 100_000, "edge-ratelimit-redis", 60, true);

	private volatile boolean closed;

	private final Counter timeouts;

	private final Counter errors;

	private record Attempt(CompletableFuture<StatefulRedisConnection<String, String>> future, long startedAt) {
	}

	/**
	 * @param connector opens a connection asynchronously (called again after a failed
	 * attempt)
	 * @param keyPrefix prefix of every key, e.g. {@code edge:rl:}
	 * @param timeout the bound on one decision
	 * @param reconnectInterval the minimum time between two connect attempts
	 * @param meters where failures are counted (may be null)
	 * @param clock the time source for connect attempts
	 */
	public RedisRateLimiter(Supplier<CompletableFuture<StatefulRedisConnection<String, String>>> connector,
			String keyPrefix, Duration timeout, Duration reconnectInterval, MeterRegistry meters, Clock clock) {
		this.connector = connector;
		this.keyPrefix = keyPrefix;
		this.timeout = timeout;
		this.reconnectInterval = reconnectInterval;
		this.clock = clock;
		this.timeouts = (meters != null) ? failures(meters, "timeout") : null;
		this.errors = (meters != null) ? failures(meters, "error") : null;
	}

	private static Counter failures(MeterRegistry meters, String reason) {
		return Counter.builder("edge.ratelimit.redis.failures")
			.description("Rate-limit decisions Redis could not make in time")
			.tag("reason", reason)
			.register(meters);
	}

	/** Starts connecting now (e.g. at start-up) instead of on the first request. */
	public void connect() {
		connection();
	}

	@Override
	public Mono<Decision> tryAcquire(String key, Tier tier) {
		String redisKey = this.keyPrefix + key;
		String window = Long.toString(tier.windowMillis());
		if (this.closed) {
			return Mono.error(new RateLimiterUnavailableException("error", null));
		}
		return connection().flatMap((connection) -> eval(connection, redisKey, window).subscribeOn(this.dispatcher))
			.<Decision>handle((reply, sink) -> {
				Decision decision = decide(reply, tier);
				if (decision != null) {
					sink.next(decision);
				}
				else {
					sink.error(new RateLimiterUnavailableException("error", null));
				}
			})
			.timeout(this.timeout)
			.onErrorMap((ex) -> !(ex instanceof RateLimiterUnavailableException), this::unavailable)
			.doOnError(RateLimiterUnavailableException.class, this::count);
	}

	private Mono<List<Object>> eval(StatefulRedisConnection<String, String> connection, String key, String window) {
		String[] keys = { key };
		return connection.reactive()
			.<Object>evalsha(SCRIPT_SHA, ScriptOutputType.MULTI, keys, window)
			.onErrorResume(RedisNoScriptException.class,
					(ex) -> connection.reactive().<Object>eval(SCRIPT, ScriptOutputType.MULTI, keys, window))
			.collectList();
	}

	private Mono<StatefulRedisConnection<String, String>> connection() {
		Attempt attempt = this.connection.get();
		if (attempt == null || (attempt.future().isCompletedExceptionally()
				&& this.clock.millis() - attempt.startedAt() >= this.reconnectInterval.toMillis())) {
			Attempt next = new Attempt(new CompletableFuture<>(), this.clock.millis());
			if (this.connection.compareAndSet(attempt, next)) {
				try {
					this.connector.get().whenComplete((connection, ex) -> {
						if (ex != null) {
							next.future().completeExceptionally(ex);
						}
						else {
							next.future().complete(connection);
						}
					});
				}
				catch (RuntimeException ex) {
					next.future().completeExceptionally(ex);
				}
			}
			attempt = this.connection.get();
		}
		CompletableFuture<StatefulRedisConnection<String, String>> future = attempt.future();
		if (future.isDone()) {
			StatefulRedisConnection<String, String> connection = future.isCompletedExceptionally() ? null
					: future.getNow(null);
			return (connection != null) ? Mono.just(connection) : Mono.error(NOT_CONNECTED);
		}
		// Still connecting: wait (within the timeout) without ever cancelling the shared
		// attempt, and without an error signal after a timeout (it would be dropped).
		return Mono.fromFuture(future.exceptionally((ex) -> null), true).switchIfEmpty(Mono.error(NOT_CONNECTED));
	}

	/** The decision from the script's reply, or null when the reply is not one. */
	private static Decision decide(List<Object> reply, Tier tier) {
		List<?> values = (reply.size() == 1 && reply.get(0) instanceof List<?> nested) ? nested : reply;
		if (values.size() != 2 || !(values.get(0) instanceof Number count) || !(values.get(1) instanceof Number ttl)) {
			return null;
		}
		int limit = tier.limit();
		long used = count.longValue();
		long resetAfter = Math.max(1, Math.min(ttl.longValue(), tier.windowMillis()));
		return new Decision(used <= limit, limit, (int) Math.max(0, limit - used), Duration.ofMillis(resetAfter));
	}

	private RateLimiterUnavailableException unavailable(Throwable ex) {
		return new RateLimiterUnavailableException((ex instanceof TimeoutException) ? "timeout" : "error", ex);
	}

	private void count(RateLimiterUnavailableException ex) {
		Counter counter = "timeout".equals(ex.getReason()) ? this.timeouts : this.errors;
		if (counter != null) {
			counter.increment();
		}
	}

	@Override
	public void close() {
		this.closed = true;
		Attempt attempt = this.connection.getAndSet(null);
		if (attempt != null) {
			// closeAsync takes Lettuce's exclusive lock synchronously and can spin (see
			// dispatcher): never on the thread that shuts the application down.
			Thread closer = new Thread(() -> attempt.future().thenAccept(StatefulRedisConnection::closeAsync),
					"edge-ratelimit-redis-close");
			closer.setDaemon(true);
			closer.start();
		}
		this.dispatcher.dispose();
	}

	private static String sha1(String text) {
		try {
			byte[] digest = java.security.MessageDigest.getInstance("SHA-1")
				.digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
			return java.util.HexFormat.of().formatHex(digest);
		}
		catch (java.security.NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
