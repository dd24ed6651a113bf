package io.ftgo.edge.gateway.ratelimit;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.distributed.AsyncBucketProxy;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.AsyncProxyManager;
import io.github.bucket4j.distributed.proxy.optimization.Optimizations;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.github.bucket4j.redis.lettuce.RedisApi;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Token buckets in Redis (Bucket4j's Lettuce integration, asynchronous): one budget per
 * caller and tier for all replicas. A bucket's state lives under
 * {@code <key-prefix><key>:<tier>:<limit>/<window>s}; each decision reads it and writes
 * it back with a compare-and-swap Lua script, retried when another replica wrote in
 * between. Concurrent decisions on one bucket in this replica are merged into one round
 * trip (Bucket4j's batching), so a burst of one caller costs a few round trips, not one
 * per request. A key expires once its bucket would be full again.
 * <p>
 * Never hangs: every decision is bounded by {@code timeout}; a timeout, a lost or refused
 * connection, or a Redis error becomes {@link RateLimiterUnavailableException} (and
 * counts in {@code edge.ratelimit.redis.failures{reason}}), for the failure mode to
 * handle.
 * <p>
 * The connection is opened asynchronously (never on the caller's thread): Spring Data's
 * template acquires its shared connection under a lock and blocks while connecting, which
 * must not happen on an event loop. Once connected, Lettuce reconnects by itself; before
 * that, a failed connect is retried at most once per {@code reconnectInterval}, requests
 * in between fail fast. Commands go through Lettuce's reactive API, so replies (and the
 * request chain after the decision) continue on Lettuce's computation threads, not on the
 * connection's one I/O thread.
 */
public final class RedisRateLimiter implements RateLimiter, AutoCloseable {

	private static final RateLimiterUnavailableException NOT_CONNECTED = new RateLimiterUnavailableException("error",
			null);

	/** How long a full bucket's key stays in Redis after it would be full again. */
	private static final Duration KEEP_FULL_BUCKET = Duration.ofSeconds(1);

	private final Supplier<CompletableFuture<StatefulRedisConnection<String, byte[]>>> connector;

	private final String keyPrefix;

	private final Duration timeout;

	private final Duration reconnectInterval;

	private final Clock clock;

	private final AtomicReference<Attempt> connection = new AtomicReference<>();

	private final AsyncProxyManager<String> buckets;

	/**
	 * Bucket proxies by Redis key: a proxy merges the concurrent decisions of its bucket,
	 * so it is kept while its caller is active.
	 */
	private final Cache<String, AsyncBucketProxy> proxies;

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

	private record Attempt(CompletableFuture<StatefulRedisConnection<String, byte[]>> future, long startedAt) {
	}

	/**
	 * @param connector opens a connection asynchronously (called again after a failed
	 * attempt)
	 * @param keyPrefix prefix of every key, e.g. {@code edge:rl:}
	 * @param timeout the bound on one decision
	 * @param reconnectInterval the minimum time between two connect attempts
	 * @param maxKeys how many buckets' proxies are kept at once
	 * @param meters where failures are counted (may be null)
	 * @param clock the time source for connect attempts
	 * @param bucketClock the time buckets are refilled by, wall-clock based (replicas'
	 * clocks must agree, e.g. by NTP); null for the system clock
	 */
	public RedisRateLimiter(Supplier<CompletableFuture<StatefulRedisConnection<String, byte[]>>> connector,
			String keyPrefix, Duration timeout, Duration reconnectInterval, int maxKeys, MeterRegistry meters,
			Clock clock, TimeMeter bucketClock) {
		this.connector = connector;
		this.keyPrefix = keyPrefix;
		this.timeout = timeout;
		this.reconnectInterval = reconnectInterval;
		this.clock = clock;
		this.timeouts = (meters != null) ? failures(meters, "timeout") : null;
		this.errors = (meters != null) ? failures(meters, "error") : null;
		Bucket4jLettuce.LettuceBasedProxyManagerBuilder<String> builder = new Bucket4jLettuce.LettuceBasedProxyManagerBuilder<>(
				new Commands<>(this::connection, this.dispatcher));
		builder
			.expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(KEEP_FULL_BUCKET));
		if (bucketClock != null) {
			builder.clientClock(bucketClock);
		}
		this.buckets = builder.build().asAsync();
		this.proxies = Caffeine.newBuilder().maximumSize(maxKeys).expireAfterAccess(Duration.ofHours(1)).build();
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
		if (this.closed) {
			return Mono.error(new RateLimiterUnavailableException("error", null));
		}
		String redisKey = this.keyPrefix + tier.bucketKey(key);
		return Mono.defer(() -> {
			AsyncBucketProxy bucket = this.proxies.get(redisKey,
					(k) -> this.buckets.builder()
						.withOptimization(Optimizations.batching())
						.build(k, () -> CompletableFuture.completedFuture(tier.bucket())));
			// Its failure becomes a value: after a timeout, an error signal would be
			// dropped (and logged as such).
			CompletableFuture<Object> reply = bucket.tryConsumeAndReturnRemaining(1)
				.handle((probe, ex) -> (ex instanceof CompletionException wrapper && wrapper.getCause() != null)
						? wrapper.getCause() : (ex != null) ? ex : probe);
			return Mono.fromFuture(reply, true);
		}).<Decision>handle((reply, sink) -> {
			if (reply instanceof ConsumptionProbe probe) {
				sink.next(Decision.of(probe, tier.limit()));
			}
			else {
				sink.error((reply instanceof Throwable ex) ? ex : new IllegalStateException());
			}
		})
			.timeout(this.timeout)
			.onErrorMap((ex) -> !(ex instanceof RateLimiterUnavailableException), this::unavailable)
			.doOnError(RateLimiterUnavailableException.class, this::count);
	}

	private Mono<StatefulRedisConnection<String, byte[]>> connection() {
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
			if (attempt == null) {
				return Mono.error(NOT_CONNECTED);
			}
		}
		CompletableFuture<StatefulRedisConnection<String, byte[]>> future = attempt.future();
		if (future.isDone()) {
			StatefulRedisConnection<String, byte[]> connection = future.isCompletedExceptionally() ? null
					: future.getNow(null);
			return (connection != null) ? Mono.just(connection) : Mono.error(NOT_CONNECTED);
		}
		// Still connecting: wait (within the timeout) without ever cancelling the shared
		// attempt, and without an error signal after a timeout (it would be dropped).
		return Mono.fromFuture(future.exceptionally((ex) -> null), true).switchIfEmpty(Mono.error(NOT_CONNECTED));
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

	/**
	 * The three commands Bucket4j's compare-and-swap needs (GET, EVAL, DEL), on the
	 * current connection, each written from the dispatcher thread through Lettuce's
	 * reactive API. Generic in the key type because Bucket4j passes its keys as an
	 * {@code Object[]}.
	 */
	private static final class Commands<K> implements RedisApi<K> {

		private final Supplier<Mono<StatefulRedisConnection<K, byte[]>>> connection;

		private final Scheduler dispatcher;

		Commands(Supplier<Mono<StatefulRedisConnection<K, byte[]>>> connection, Scheduler dispatcher) {
			this.connection = connection;
			this.dispatcher = dispatcher;
		}

		@Override
		public <V> RedisFuture<V> eval(String script, ScriptOutputType type, K[] keys, byte[][] params) {
			return send((connection) -> connection.reactive().<V>eval(script, type, keys, params).next());
		}

		@Override
		public RedisFuture<byte[]> get(K key) {
			return send((connection) -> connection.reactive().get(key));
		}

		@Override
		public RedisFuture<?> delete(K key) {
			return send((connection) -> connection.reactive().del(key));
		}

		private <V> RedisFuture<V> send(Function<StatefulRedisConnection<K, byte[]>, Mono<V>> command) {
			Reply<V> reply = new Reply<>();
			this.connection.get()
				.flatMap((connection) -> command.apply(connection).subscribeOn(this.dispatcher))
				.subscribe(reply::complete, reply::completeExceptionally, () -> reply.complete(null));
			return reply;
		}

	}

	/** A reply for Bucket4j, which only converts it to a {@link CompletableFuture}. */
	private static final class Reply<V> extends CompletableFuture<V> implements RedisFuture<V> {

		@Override
		public String getError() {
			try {
				getNow(null);
				return null;
			}
			catch (RuntimeException ex) {
				return String.valueOf(ex.getCause());
			}
		}

		@Override
		public boolean await(long timeout, TimeUnit unit) throws InterruptedException {
			try {
				get(timeout, unit);
				return true;
			}
			catch (java.util.concurrent.ExecutionException ex) {
				return true;
			}
			catch (TimeoutException ex) {
				return false;
			}
		}

	}

}
