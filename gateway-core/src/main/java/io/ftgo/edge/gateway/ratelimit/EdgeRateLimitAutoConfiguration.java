package io.ftgo.edge.gateway.ratelimit;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

import io.github.bucket4j.TimeMeter;
import io.lettuce.core.RedisClient;
import io.lettuce.core.resource.ClientResources;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.data.redis.autoconfigure.DataRedisProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;

import io.ftgo.edge.gateway.config.EdgeGatewayAutoConfiguration;
import io.ftgo.edge.gateway.support.ClientAddressResolver;
import io.ftgo.edge.security.config.EdgeSecurityProperties;
import io.ftgo.edge.security.config.EdgeSettingsValidator;
import io.ftgo.edge.security.config.InvalidEdgeConfigurationException;

/**
 * Rate limiting for every request of the edge chain ({@link RateLimitWebFilter}), from
 * {@code edge.rate-limit.*} ({@link EdgeRateLimitProperties}): in memory by default, in
 * Redis when {@code edge.rate-limit.redis.enabled=true} (connection from
 * {@code spring.data.redis.*}). Without Redis in use, nothing connects to Redis: Boot's
 * Redis health contributor (which would connect to an unused {@code localhost:6379} and
 * turn health DOWN) is left out unless {@code management.health.redis.enabled} is set
 * explicitly.
 */
@AutoConfiguration(after = EdgeGatewayAutoConfiguration.class,
		afterName = "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration",
		beforeName = {
				"org.springframework.boot.data.redis.autoconfigure.health.DataRedisReactiveHealthContributorAutoConfiguration",
				"org.springframework.boot.data.redis.autoconfigure.health.DataRedisHealthContributorAutoConfiguration" })
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
@Import(EdgeSettingsValidator.class)
@EnableConfigurationProperties(EdgeRateLimitProperties.class)
public class EdgeRateLimitAutoConfiguration {

	private static final Log logger = LogFactory.getLog(EdgeRateLimitAutoConfiguration.class);

	static final String ENABLED = EdgeRateLimitProperties.PREFIX + ".enabled";

	static final String REDIS_ENABLED = EdgeRateLimitProperties.PREFIX + ".redis.enabled";

	static final String REDIS_HEALTH = "management.health.redis.enabled";

	@Bean
	@ConditionalOnProperty(name = ENABLED, havingValue = "true", matchIfMissing = true)
	@ConditionalOnMissingBean
	RateLimitWebFilter rateLimitWebFilter(EdgeRateLimitProperties properties, RateLimiter edgeRateLimiter,
			ObjectProvider<ClientAddressResolver> addresses, ObjectProvider<MeterRegistry> meters,
			ObjectProvider<EdgeSecurityProperties> security) {
		warnAboutUnconfiguredTiers(properties, security.getIfAvailable());
		return new RateLimitWebFilter(properties, edgeRateLimiter,
				addresses.getIfAvailable(() -> new ClientAddressResolver(List.of())), meters.getIfAvailable());
	}

	@Bean
	@ConditionalOnProperty(name = ENABLED, havingValue = "true", matchIfMissing = true)
	@ConditionalOnMissingBean
	AuthFailureLimitWebFilter authFailureLimitWebFilter(EdgeRateLimitProperties properties, RateLimiter edgeRateLimiter,
			ObjectProvider<ClientAddressResolver> addresses, ObjectProvider<MeterRegistry> meters) {
		EdgeRateLimitProperties.Tier tier = properties.tiers().get(EdgeRateLimitProperties.AUTH_FAILURES_TIER);
		return new AuthFailureLimitWebFilter(edgeRateLimiter,
				new RateLimiter.Tier(EdgeRateLimitProperties.AUTH_FAILURES_TIER, tier.limit(), tier.windowOrDefault()),
				addresses.getIfAvailable(() -> new ClientAddressResolver(List.of())), java.time.Clock.systemUTC(),
				meters.getIfAvailable());
	}

	private static void warnAboutUnconfiguredTiers(EdgeRateLimitProperties properties,
			EdgeSecurityProperties security) {
		if (security == null) {
			return;
		}
		List<EdgeSecurityProperties.ApiKey> keys = security.apiKeys().keys();
		for (int i = 0; i < keys.size(); i++) {
			String tier = keys.get(i).tier();
			if (tier != null && !properties.tiers().containsKey(tier)) {
				logger.warn(EdgeSecurityProperties.PREFIX + ".api-keys.keys[" + i + "].tier: " + tier
						+ " is not a configured " + EdgeRateLimitProperties.PREFIX + ".tiers entry; "
						+ "the client is limited by the default tier");
			}
		}
	}

	/** The default: one budget per replica. */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnProperty(name = ENABLED, havingValue = "true", matchIfMissing = true)
	@ConditionalOnProperty(name = REDIS_ENABLED, havingValue = "false", matchIfMissing = true)
	static class InMemoryConfiguration {

		@Bean
		@ConditionalOnMissingBean(RateLimiter.class)
		InMemoryRateLimiter edgeRateLimiter(EdgeRateLimitProperties properties) {
			Duration longest = properties.tiers()
				.values()
				.stream()
				.map(EdgeRateLimitProperties.Tier::windowOrDefault)
				.max(Duration::compareTo)
				.orElse(Duration.ofSeconds(1));
			return new InMemoryRateLimiter(properties.maxKeys(), longest, TimeMeter.SYSTEM_NANOTIME);
		}

	}

	/** Cluster-wide: one budget for all replicas, in Redis. */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnProperty(name = ENABLED, havingValue = "true", matchIfMissing = true)
	@ConditionalOnProperty(name = REDIS_ENABLED, havingValue = "true")
	@ConditionalOnClass(RedisClient.class)
	static class RedisConfiguration {

		@Bean(destroyMethod = "close")
		@ConditionalOnMissingBean
		RedisConnector edgeRateLimitRedisConnector(EdgeRateLimitProperties properties,
				ObjectProvider<DataRedisConnectionDetails> details, ObjectProvider<DataRedisProperties> redis,
				ObjectProvider<ClientResources> resources) {
			DataRedisConnectionDetails connection = details.getIfAvailable();
			DataRedisProperties settings = redis.getIfAvailable(DataRedisProperties::new);
			if (connection == null) {
				throw new InvalidEdgeConfigurationException(REDIS_ENABLED, true,
						"a Redis connection in spring.data.redis.* (Spring Boot's Redis auto-configuration)");
			}
			return new RedisConnector(connection, settings, resources.getIfAvailable(), properties.redis().timeout());
		}

		@Bean(destroyMethod = "close")
		@ConditionalOnMissingBean(RateLimiter.class)
		RedisRateLimiter edgeRateLimiter(EdgeRateLimitProperties properties, RedisConnector connector,
				ObjectProvider<MeterRegistry> meters) {
			RedisRateLimiter limiter = new RedisRateLimiter(connector, properties.redis().keyPrefix(),
					properties.redis().timeout(), Duration.ofSeconds(1), properties.maxKeys(), meters.getIfAvailable(),
					Clock.systemUTC(), null);
			logger.info("Rate limits are kept in Redis at " + connector.target() + " (failure mode "
					+ properties.redis().mode().name().toLowerCase(java.util.Locale.ROOT) + ", timeout "
					+ properties.redis().timeout().toMillis() + "ms)");
			limiter.connect();
			return limiter;
		}

	}

	/**
	 * Redis is not used by the rate limiter: keep Boot's Redis health contributor from
	 * connecting to an unused Redis. A bean of this name stops Boot's contributor
	 * ({@code @ConditionalOnMissingBean(name = "redisHealthContributor")}); being no
	 * health contributor itself, it adds nothing to health. Setting
	 * {@code management.health.redis.enabled} (true or false) leaves the choice to Boot.
	 */
	@Configuration(proxyBeanMethods = false)
	@Conditional(RedisUnusedCondition.class)
	static class UnusedRedisConfiguration {

		@Bean(name = "redisHealthContributor")
		UnusedRedis redisHealthContributor() {
			return new UnusedRedis();
		}

	}

	/** Marker: Redis is configured by Boot but unused by the edge. */
	static final class UnusedRedis {

	}

	static final class RedisUnusedCondition implements Condition {

		@Override
		public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
			Environment environment = context.getEnvironment();
			boolean limiting = environment.getProperty(ENABLED, Boolean.class, true);
			boolean redis = environment.getProperty(REDIS_ENABLED, Boolean.class, false);
			return !(limiting && redis) && !environment.containsProperty(REDIS_HEALTH);
		}

	}

}
