package io.ftgo.edge.gateway.ratelimit;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisReactiveAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.health.DataRedisHealthContributorAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.health.DataRedisReactiveHealthContributorAutoConfiguration;
import org.springframework.boot.health.contributor.ReactiveHealthContributor;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;

import io.ftgo.edge.gateway.config.EdgeGatewayAutoConfiguration;
import io.ftgo.edge.security.config.InvalidEdgeConfigurationException;

import static org.assertj.core.api.Assertions.assertThat;

/** Wiring and start-up validation: bad values stop the context, naming the key. */
class EdgeRateLimitAutoConfigurationTests {

	final ReactiveWebApplicationContextRunner runner = new ReactiveWebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(EdgeGatewayAutoConfiguration.class,
				EdgeRateLimitAutoConfiguration.class, DataRedisAutoConfiguration.class,
				DataRedisReactiveAutoConfiguration.class, DataRedisReactiveHealthContributorAutoConfiguration.class,
				DataRedisHealthContributorAutoConfiguration.class));

	@Test
	void noConfiguration_inMemoryLimiterFilterAndBuiltInTiers() {
		this.runner.run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).hasSingleBean(RateLimitWebFilter.class);
			assertThat(context.getBean(RateLimiter.class)).isInstanceOf(InMemoryRateLimiter.class);
			EdgeRateLimitProperties properties = context.getBean(EdgeRateLimitProperties.class);
			assertThat(properties.tiers())
				.containsEntry("default", new EdgeRateLimitProperties.Tier(100, Duration.ofSeconds(1)))
				.containsEntry("anonymous", new EdgeRateLimitProperties.Tier(20, Duration.ofSeconds(1)));
			assertThat(properties.exclude()).containsExactly("/actuator/**");
			assertThat(properties.redis().mode()).isEqualTo(EdgeRateLimitProperties.FailureMode.OPEN);
			assertThat(properties.redis().timeout()).isEqualTo(Duration.ofMillis(100));
		});
	}

	@Test
	void builtInTier_onlyWindowGiven_keepsBuiltInLimit() {
		this.runner.withPropertyValues("edge.rate-limit.tiers.default.window=1m").run((context) -> {
			EdgeRateLimitProperties properties = context.getBean(EdgeRateLimitProperties.class);
			assertThat(properties.tiers().get("default"))
				.isEqualTo(new EdgeRateLimitProperties.Tier(100, Duration.ofMinutes(1)));
		});
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|',
			textBlock = """
					edge.rate-limit.tiers.standard.limit=0     | edge.rate-limit.tiers.standard.limit: 0 (expected: > 0)
					edge.rate-limit.tiers.gold.window=1m       | edge.rate-limit.tiers.gold.limit: null (expected: > 0)
					edge.rate-limit.tiers.standard.limit=20000000 | edge.rate-limit.tiers.standard.limit: 20000000 (expected: <= 10000000)
					edge.rate-limit.tiers.default.window=500ms | edge.rate-limit.tiers.default.window: PT0.5S (expected: whole seconds between 1s and 1h, e.g. 1s, 60s, 1h)
					edge.rate-limit.tiers.default.window=2h    | edge.rate-limit.tiers.default.window: PT2H (expected: whole seconds between 1s and 1h, e.g. 1s, 60s, 1h)
					edge.rate-limit.tiers.Gold.limit=5         | edge.rate-limit.tiers.Gold: Gold (expected: a tier name of lower-case letters, digits, - and _)
					edge.rate-limit.redis.timeout=5ms          | edge.rate-limit.redis.timeout: PT0.005S (expected: between 10ms and 5s)
					edge.rate-limit.redis.timeout=10s          | edge.rate-limit.redis.timeout: PT10S (expected: between 10ms and 5s)
					edge.rate-limit.redis.failure-mode=maybe   | edge.rate-limit.redis.failure-mode: maybe (expected: one of open, closed)
					edge.rate-limit.exclude[0]=actuator/**     | edge.rate-limit.exclude[0]: actuator/** (expected: a path pattern starting with /, e.g. /actuator/**)
					edge.rate-limit.max-keys=10                | edge.rate-limit.max-keys: 10 (expected: between 1000 and 10000000)
					""")
	void badValue_startFails_messageNamesKeyValueAndExpectation(String property, String message) {
		this.runner.withPropertyValues(property).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidEdgeConfigurationException.class)
				.hasMessage(message);
		});
	}

	@Test
	void disabled_noFilterNoLimiter() {
		this.runner.withPropertyValues("edge.rate-limit.enabled=false").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(RateLimitWebFilter.class);
			assertThat(context).doesNotHaveBean(RateLimiter.class);
		});
	}

	@Test
	void redisEnabled_redisLimiter_startsWhileRedisIsDown() {
		this.runner
			.withPropertyValues("edge.rate-limit.redis.enabled=true", "spring.data.redis.host=127.0.0.1",
					"spring.data.redis.port=1", "edge.rate-limit.redis.failure-mode=closed")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(RateLimiter.class)).isInstanceOf(RedisRateLimiter.class);
				assertThat(context).hasSingleBean(RateLimitWebFilter.class);
			});
	}

	@Test
	void redisEnabled_sentinelConfigured_startFailsNamingTheLimitation() {
		this.runner
			.withPropertyValues("edge.rate-limit.redis.enabled=true", "spring.data.redis.sentinel.master=mymaster",
					"spring.data.redis.sentinel.nodes=127.0.0.1:26379")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.hasMessageStartingWith("edge.rate-limit.redis.enabled: true (expected: a standalone Redis");
			});
	}

	@Test
	void redisUnused_bootRedisHealthContributorLeftOut() {
		this.runner.run((context) -> {
			assertThat(context).doesNotHaveBean(ReactiveHealthContributor.class);
			assertThat(context.getBean("redisHealthContributor"))
				.isInstanceOf(EdgeRateLimitAutoConfiguration.UnusedRedis.class);
		});
	}

	@Test
	void redisUnused_healthExplicitlyEnabled_bootDecides() {
		this.runner.withPropertyValues("management.health.redis.enabled=true").run((context) -> {
			assertThat(context).hasSingleBean(ReactiveHealthContributor.class);
		});
	}

	@Test
	void redisUsed_bootRedisHealthContributorKept() {
		this.runner.withPropertyValues("edge.rate-limit.redis.enabled=true", "spring.data.redis.port=1")
			.run((context) -> assertThat(context).hasSingleBean(ReactiveHealthContributor.class));
	}

}
