package io.ftgo.edge.gateway.ratelimit;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpHeaders;

import io.ftgo.edge.stubs.EmbeddedRedis;
import io.ftgo.edge.gateway.ratelimit.RateLimitHttp.Answer;
import io.ftgo.edge.gateway.ratelimit.RateLimitHttp.Request;
import io.ftgo.edge.stubs.identity.DevIdentityProvider;

import static io.ftgo.edge.gateway.ratelimit.RateLimitTestApplication.DEFAULT_LIMIT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Redis-backed rate limit over real HTTP: two app instances (two replicas, one
 * fail-open and one fail-closed) on one real redis-server process that this test starts
 * (embedded-redis) and stops. The Redis-down tests run last.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RateLimitRedisIntegrationTests {

	static final DevIdentityProvider identity = DevIdentityProvider.startOnRandomPort();

	static final long HOUR = 3600;

	/**
	 * Generous, so a busy machine does not turn exact counts into fail-open answers; the
	 * bound itself is proven in {@link RedisRateLimiterTests} (paused Redis, 150ms).
	 */
	static final Duration REDIS_TIMEOUT = Duration.ofSeconds(2);

	static EmbeddedRedis redis;

	static ConfigurableApplicationContext failOpen;

	static ConfigurableApplicationContext failClosed;

	@BeforeAll
	static void start() {
		redis = EmbeddedRedis.start();
		failOpen = replica("open");
		failClosed = replica("closed");
		warmUp(failOpen);
		warmUp(failClosed);
	}

	@AfterAll
	static void stop() {
		if (failOpen != null) {
			failOpen.close();
		}
		if (failClosed != null) {
			failClosed.close();
		}
		redis.close();
		identity.close();
	}

	@BeforeEach
	void reset() {
		RateLimitTestApplication.handled.set(0);
	}

	@Test
	@Order(1)
	void oneReplica_threeTimesLimitConcurrently_exactlyLimitServedRest429() {
		String token = userToken(4001);

		List<Answer> answers = http(failOpen).concurrently(3 * DEFAULT_LIMIT,
				(i) -> Request.get("/api/user/ping").bearer(token));

		assertThat(RateLimitHttp.count(answers, 200)).isEqualTo(DEFAULT_LIMIT);
		assertThat(RateLimitHttp.count(answers, 429)).isEqualTo(2 * DEFAULT_LIMIT);
		assertThat(RateLimitTestApplication.handled).hasValue(DEFAULT_LIMIT);
		answers.stream()
			.filter((a) -> a.status() == 200)
			.forEach((a) -> RateLimitHttp.assertAllowed(a, DEFAULT_LIMIT, HOUR));
		answers.stream()
			.filter((a) -> a.status() == 429)
			.forEach((a) -> RateLimitHttp.assertLimited(a, DEFAULT_LIMIT, HOUR));
	}

	@Test
	@Order(2)
	void twoReplicas_oneCaller_shareOneClusterWideBudget() {
		String token = userToken(4002);
		RateLimitHttp replicaA = http(failOpen);
		RateLimitHttp replicaB = http(failClosed);

		List<Answer> fromA = replicaA.concurrently(DEFAULT_LIMIT, (i) -> Request.get("/api/user/ping").bearer(token));
		List<Answer> fromB = replicaB.concurrently(DEFAULT_LIMIT, (i) -> Request.get("/api/user/ping").bearer(token));

		assertThat(RateLimitHttp.count(fromA, 200) + RateLimitHttp.count(fromB, 200)).isEqualTo(DEFAULT_LIMIT);
		assertThat(RateLimitTestApplication.handled).hasValue(DEFAULT_LIMIT);
	}

	@Test
	@Order(10)
	void redisStopped_failOpenServesWithPolicyOnly_failClosedAnswers503() {
		String token = userToken(4003);
		MeterRegistry meters = failOpen.getBean(MeterRegistry.class);
		double failuresBefore = failures(meters);
		redis.stopServer();

		long started = System.nanoTime();
		Answer open = http(failOpen).one(Request.get("/api/user/ping").bearer(token));
		Answer closed = http(failClosed).one(Request.get("/api/user/ping").bearer(token));
		Duration took = Duration.ofNanos(System.nanoTime() - started);

		assertThat(took).isLessThan(Duration.ofSeconds(5));
		assertThat(open.status()).isEqualTo(200);
		assertThat(open.body()).isEqualTo("pong");
		assertThat(open.header("RateLimit-Policy")).isEqualTo("\"default\";q=" + DEFAULT_LIMIT + ";w=" + HOUR);
		assertThat(open.header("RateLimit")).isNull();
		assertThat(failures(meters) - failuresBefore).isEqualTo(1);
		assertThat(
				meters.counter(RateLimitWebFilter.REQUESTS_METRIC, "tier", "default", "outcome", "failed_open").count())
			.isGreaterThanOrEqualTo(1);
		assertThat(closed.status()).isEqualTo(503);
		assertThat(closed.header(HttpHeaders.CONTENT_TYPE)).startsWith("application/problem+json");
		assertThat(closed.header(HttpHeaders.RETRY_AFTER)).isEqualTo("1");
		assertThat(closed.body()).contains("\"code\":\"rate_limit_unavailable\"")
			.doesNotContain("127.0.0.1", "redis", "Redis", "Exception", "lettuce");
		assertThat(RateLimitTestApplication.handled).hasValue(1);
	}

	@Test
	@Order(11)
	void redisStopped_burstOnFailOpen_allServedNoneHangs() {
		String token = userToken(4004);

		List<Answer> answers = http(failOpen).concurrently(3 * DEFAULT_LIMIT,
				(i) -> Request.get("/api/user/ping").bearer(token));

		assertThat(RateLimitHttp.count(answers, 200)).isEqualTo(3 * DEFAULT_LIMIT);
	}

	private static double failures(MeterRegistry meters) {
		return meters.find("edge.ratelimit.redis.failures").counters().stream().mapToDouble((c) -> c.count()).sum();
	}

	private static ConfigurableApplicationContext replica(String failureMode) {
		Map<String, Object> properties = RateLimitTestApplication.properties(identity);
		properties.put("server.port", "0");
		properties.put("spring.data.redis.host", "127.0.0.1");
		properties.put("spring.data.redis.port", redis.port());
		properties.put("spring.data.redis.connect-timeout", "5s");
		properties.put("edge.rate-limit.redis.enabled", "true");
		properties.put("edge.rate-limit.redis.timeout", REDIS_TIMEOUT.toMillis() + "ms");
		properties.put("edge.rate-limit.redis.failure-mode", failureMode);
		properties.put("edge.rate-limit.redis.key-prefix", "it:");
		return new SpringApplicationBuilder(RateLimitTestApplication.class).web(WebApplicationType.REACTIVE)
			.properties(properties)
			.run();
	}

	/** Waits until the replica's Redis connection is up (the first connect is slow). */
	private static void warmUp(ConfigurableApplicationContext replica) {
		RateLimiter limiter = replica.getBean(RateLimiter.class);
		RateLimiter.Tier tier = new RateLimiter.Tier("default", 1000, Duration.ofSeconds(1));
		Mono.defer(() -> limiter.tryAcquire("warm-up", tier))
			.retryWhen(Retry.fixedDelay(50, Duration.ofMillis(200)))
			.block(Duration.ofSeconds(20));
	}

	private static RateLimitHttp http(ConfigurableApplicationContext replica) {
		return new RateLimitHttp(Integer.parseInt(replica.getEnvironment().getRequiredProperty("local.server.port")));
	}

	private static String userToken(long consumerId) {
		return identity.minter().forConsumer(consumerId, "web").sign();
	}

}
