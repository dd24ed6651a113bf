package io.ftgo.edge.gateway.ratelimit;

import io.ftgo.edge.stubs.EmbeddedRedis;
import io.ftgo.edge.stubs.MutableClock;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.util.retry.Retry;

import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.data.redis.autoconfigure.DataRedisProperties;

import io.ftgo.edge.gateway.ratelimit.RateLimiter.Decision;
import io.ftgo.edge.gateway.ratelimit.RateLimiter.Tier;

import static org.assertj.core.api.Assertions.assertThat;

/** The Redis limiter against a real redis-server process (embedded-redis). */
class RedisRateLimiterTests {

	static EmbeddedRedis redis;

	/** For failure tests: short, to prove the bound. */
	static final Duration TIMEOUT = Duration.ofMillis(150);

	/**
	 * For counting tests: generous, so a busy CI machine does not turn counts into
	 * timeouts.
	 */
	static final Duration GENEROUS = Duration.ofSeconds(3);

	final Tier fiftyPerHour = new Tier("standard", 50, Duration.ofHours(1));

	final List<AutoCloseable> resources = new ArrayList<>();

	final MeterRegistry meters = new SimpleMeterRegistry();

	final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T10:00:00Z"));

	@BeforeAll
	static void startRedis() {
		redis = EmbeddedRedis.start();
	}

	@AfterAll
	static void stopRedis() {
		redis.close();
	}

	@AfterEach
	void close() throws Exception {
		for (AutoCloseable resource : this.resources) {
			resource.close();
		}
	}

	@Test
	void tryAcquire_200ConcurrentOnOneKeyLimit50_exactly50Allowed() {
		RedisRateLimiter limiter = connectedLimiter(redis.port(), "t1:");

		List<Decision> decisions = Flux.range(0, 200)
			.flatMap((i) -> limiter.tryAcquire("client:partner-ajanta", this.fiftyPerHour), 200)
			.collectList()
			.block(Duration.ofSeconds(10));

		assertThat(decisions).hasSize(200);
		assertThat(decisions).filteredOn(Decision::allowed).hasSize(50);
		assertThat(decisions).filteredOn(Decision::allowed)
			.extracting(Decision::remaining)
			.containsExactlyInAnyOrderElementsOf(java.util.stream.IntStream.range(0, 50).boxed().toList());
		assertThat(decisions).filteredOn((d) -> !d.allowed()).allSatisfy((denied) -> {
			assertThat(denied.remaining()).isZero();
			assertThat(denied.resetAfter()).isPositive().isLessThanOrEqualTo(Duration.ofHours(1));
		});
	}

	@Test
	void tryAcquire_twoLimitersOneRedis_shareOneBudget() {
		RedisRateLimiter replicaA = connectedLimiter(redis.port(), "t2:");
		RedisRateLimiter replicaB = connectedLimiter(redis.port(), "t2:");

		List<Decision> decisions = Flux.range(0, 100)
			.flatMap((i) -> ((i % 2 == 0) ? replicaA : replicaB).tryAcquire("sub:1001", this.fiftyPerHour), 100)
			.collectList()
			.block(Duration.ofSeconds(10));

		assertThat(decisions).filteredOn(Decision::allowed).hasSize(50);
	}

	@Test
	void tryAcquire_firstHit_fullBucketLessOneToken() {
		RedisRateLimiter limiter = connectedLimiter(redis.port(), "t3:");
		Tier tenPerMinute = new Tier("default", 10, Duration.ofMinutes(1));

		Decision first = limiter.tryAcquire("sub:1002", tenPerMinute).block(Duration.ofSeconds(5));

		assertThat(first.allowed()).isTrue();
		assertThat(first.limit()).isEqualTo(10);
		assertThat(first.remaining()).isEqualTo(9);
		// one token of ten per minute comes back in 6s
		assertThat(first.resetAfter()).isBetween(Duration.ofSeconds(5), Duration.ofSeconds(6));
		assertThat(this.stored("t3:" + tenPerMinute.bucketKey("sub:1002"))).isTrue();
	}

	/**
	 * On the bucket's own clock (moved by the test): the whole limit just before a
	 * fixed-window boundary, then, 2 ms later, only what was refilled (nothing); one
	 * token per tenth of the window after that, in Redis as in memory.
	 */
	@Test
	void tryAcquire_limitJustBeforeAndJustAfterAWindowBoundary_secondBurstRefused() {
		ManualTimeMeter time = new ManualTimeMeter(Instant.parse("2026-11-22T10:00:00.999Z"));
		RedisRateLimiter limiter = limiter(redis.port(), "t9:", GENEROUS, time);
		Tier tenPerSecond = new Tier("standard", 10, Duration.ofSeconds(1));

		long before = allowed(limiter, "client:greedy", tenPerSecond, 10);
		time.advance(Duration.ofMillis(2));
		long after = allowed(limiter, "client:greedy", tenPerSecond, 10);
		time.advance(Duration.ofMillis(100));
		long oneTenthLater = allowed(limiter, "client:greedy", tenPerSecond, 10);

		assertThat(before).isEqualTo(10);
		assertThat(after).isZero();
		assertThat(oneTenthLater).isEqualTo(1);
	}

	/**
	 * In real time, with a bound instead of a timing assertion: a client firing bursts at
	 * one Redis bucket for about two windows never gets more than the limit plus what the
	 * measured elapsed time refilled, however slow the machine.
	 */
	@Test
	void tryAcquire_burstsForTwoWindowsInRealTime_neverMoreThanLimitPlusRefill() {
		RedisRateLimiter limiter = connectedLimiter(redis.port(), "t10:");
		Tier fivePerSecond = new Tier("standard", 5, Duration.ofSeconds(1));

		long started = System.nanoTime();
		long admitted = 0;
		long elapsed;
		do {
			admitted += allowed(limiter, "client:greedy", fivePerSecond, 20);
			elapsed = System.nanoTime() - started;
		}
		while (elapsed < Duration.ofSeconds(2).toNanos());

		long refilled = (5 * elapsed + Duration.ofSeconds(1).toNanos() - 1) / Duration.ofSeconds(1).toNanos();
		assertThat(admitted).isGreaterThan(5).isLessThanOrEqualTo(5 + refilled);
	}

	private static long allowed(RedisRateLimiter limiter, String key, Tier tier, int requests) {
		return Flux.range(0, requests)
			.flatMap((i) -> limiter.tryAcquire(key, tier), requests)
			.filter(Decision::allowed)
			.count()
			.block(Duration.ofSeconds(10));
	}

	private boolean stored(String key) {
		RedisClient client = RedisClient.create("redis://127.0.0.1:" + redis.port());
		try (StatefulRedisConnection<String, String> connection = client.connect()) {
			return connection.sync().exists(key) == 1 && connection.sync().pttl(key) > 0;
		}
		finally {
			client.shutdown();
		}
	}

	@Test
	void tryAcquire_redisStopped_unavailableWithinTimeout_failureCounted() {
		EmbeddedRedis doomed = EmbeddedRedis.start();
		this.resources.add(doomed);
		RedisRateLimiter limiter = connectedLimiter(doomed.port(), "t4:", TIMEOUT);
		double before = failures();
		assertThat(limiter.tryAcquire("sub:1003", this.fiftyPerHour).block(Duration.ofSeconds(5)).allowed()).isTrue();
		doomed.stopServer();

		StepVerifier.create(limiter.tryAcquire("sub:1003", this.fiftyPerHour))
			.expectError(RateLimiterUnavailableException.class)
			.verify(Duration.ofSeconds(5));

		assertThat(failures() - before).isEqualTo(1);
	}

	@Test
	void tryAcquire_redisRestarted_limitsAgainOnceReconnected() {
		EmbeddedRedis flaky = EmbeddedRedis.start();
		this.resources.add(flaky);
		RedisRateLimiter limiter = connectedLimiter(flaky.port(), "t8:", TIMEOUT);
		flaky.stopServer();
		StepVerifier.create(limiter.tryAcquire("sub:1007", this.fiftyPerHour))
			.expectError(RateLimiterUnavailableException.class)
			.verify(Duration.ofSeconds(5));

		flaky.startServer();
		Decision decision = Mono.defer(() -> limiter.tryAcquire("sub:1007", this.fiftyPerHour))
			.retryWhen(Retry.fixedDelay(150, Duration.ofMillis(100)))
			.block(Duration.ofSeconds(30));

		assertThat(decision.allowed()).isTrue();
		assertThat(decision.remaining()).isEqualTo(49);
	}

	@Test
	void tryAcquire_redisPaused_timesOutAfterConfiguredTimeout() {
		RedisRateLimiter limiter = connectedLimiter(redis.port(), "t5:", TIMEOUT);
		double before = this.meters.counter("edge.ratelimit.redis.failures", "reason", "timeout").count();
		pauseRedis(Duration.ofSeconds(2));

		long started = System.nanoTime();
		StepVerifier.create(limiter.tryAcquire("sub:1004", this.fiftyPerHour))
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(RateLimiterUnavailableException.class)
				.extracting("reason")
				.isEqualTo("timeout"))
			.verify(Duration.ofSeconds(5));
		Duration took = Duration.ofNanos(System.nanoTime() - started);

		assertThat(took).isGreaterThanOrEqualTo(TIMEOUT).isLessThan(Duration.ofSeconds(1));
		assertThat(this.meters.counter("edge.ratelimit.redis.failures", "reason", "timeout").count() - before)
			.isEqualTo(1);
	}

	@Test
	void tryAcquire_serverNeverAnswers_unavailableWithinTimeout() throws IOException {
		try (ServerSocket blackHole = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
			List<Socket> accepted = new ArrayList<>();
			Thread acceptor = new Thread(() -> {
				try {
					while (true) {
						accepted.add(blackHole.accept());
					}
				}
				catch (IOException ex) {
					// closed
				}
			});
			acceptor.setDaemon(true);
			acceptor.start();
			RedisRateLimiter limiter = limiter(blackHole.getLocalPort(), "t6:");

			StepVerifier.create(limiter.tryAcquire("sub:1005", this.fiftyPerHour))
				.expectError(RateLimiterUnavailableException.class)
				.verify(Duration.ofSeconds(2));
		}
	}

	@Test
	void tryAcquire_redisDownAtStartUp_failsFastThenRecoversOnceUp() {
		EmbeddedRedis late = new EmbeddedRedis();
		this.resources.add(late);
		RedisRateLimiter limiter = limiter(late.port(), "t7:");
		StepVerifier.create(limiter.tryAcquire("sub:1006", this.fiftyPerHour))
			.expectError(RateLimiterUnavailableException.class)
			.verify(Duration.ofSeconds(5));
		late.startServer();

		Decision decision = Mono.defer(() -> {
			this.clock.advance(Duration.ofSeconds(1));
			return limiter.tryAcquire("sub:1006", this.fiftyPerHour);
		}).retryWhen(Retry.fixedDelay(50, Duration.ofMillis(100))).block(Duration.ofSeconds(10));

		assertThat(decision.allowed()).isTrue();
		assertThat(decision.remaining()).isBetween(40, 49);
	}

	private double failures() {
		return this.meters.find("edge.ratelimit.redis.failures")
			.counters()
			.stream()
			.mapToDouble((c) -> c.count())
			.sum();
	}

	/** A limiter whose connection is up (the first connect of a cold JVM is slow). */
	private RedisRateLimiter connectedLimiter(int port, String prefix) {
		return connectedLimiter(port, prefix, GENEROUS);
	}

	private RedisRateLimiter connectedLimiter(int port, String prefix, Duration timeout) {
		RedisRateLimiter limiter = limiter(port, prefix, timeout);
		Mono.defer(() -> limiter.tryAcquire("warm-up", this.fiftyPerHour))
			.doOnError((ex) -> this.clock.advance(Duration.ofSeconds(1)))
			.retryWhen(Retry.fixedDelay(100, Duration.ofMillis(100)))
			.block(Duration.ofSeconds(15));
		return limiter;
	}

	private RedisRateLimiter limiter(int port, String prefix) {
		return limiter(port, prefix, TIMEOUT);
	}

	private RedisRateLimiter limiter(int port, String prefix, Duration timeout) {
		return limiter(port, prefix, timeout, null);
	}

	private RedisRateLimiter limiter(int port, String prefix, Duration timeout, ManualTimeMeter time) {
		RedisConnector connector = connector(port, timeout);
		RedisRateLimiter limiter = new RedisRateLimiter(connector, prefix, timeout, Duration.ofSeconds(1), 1000,
				this.meters, this.clock, time);
		this.resources.add(limiter);
		this.resources.add(connector);
		return limiter;
	}

	static RedisConnector connector(int port, Duration timeout) {
		DataRedisProperties properties = new DataRedisProperties();
		properties.setHost("127.0.0.1");
		properties.setPort(port);
		properties.setConnectTimeout(Duration.ofSeconds(5));
		DataRedisConnectionDetails details = new DataRedisConnectionDetails() {
			@Override
			public Standalone getStandalone() {
				return Standalone.of("127.0.0.1", port);
			}
		};
		return new RedisConnector(details, properties, null, timeout);
	}

	private static void pauseRedis(Duration duration) {
		RedisClient client = RedisClient.create("redis://127.0.0.1:" + redis.port());
		try (StatefulRedisConnection<String, String> connection = client.connect()) {
			connection.sync().clientPause(duration.toMillis());
		}
		finally {
			client.shutdown();
		}
		// Give the pause a moment to apply before the next command is sent.
		Mono.delay(Duration.ofMillis(20)).block();
	}

}
