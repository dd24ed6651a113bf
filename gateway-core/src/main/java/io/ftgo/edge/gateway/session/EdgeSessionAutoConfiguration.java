package io.ftgo.edge.gateway.session;

import java.net.URI;
import java.time.Clock;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;
import org.springframework.web.reactive.function.client.WebClient;

import io.ftgo.edge.gateway.pipeline.EdgeChainLink;
import io.ftgo.edge.security.config.EdgeSettingsValidator;

/**
 * Browser session mode when {@code edge.session.enabled=true}
 * ({@link EdgeSessionProperties}): the {@link BrowserSessionWebFilter}, its OpenID
 * Connect client and the session store (memory, or Redis with
 * {@code edge.session.redis.enabled=true}). Settings are checked at start-up.
 */
@AutoConfiguration(afterName = "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration")
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
@ConditionalOnProperty(prefix = EdgeSessionProperties.PREFIX, name = "enabled", havingValue = "true")
@Import(EdgeSettingsValidator.class)
@EnableConfigurationProperties(EdgeSessionProperties.class)
public class EdgeSessionAutoConfiguration {

	private static final Log logger = LogFactory.getLog(EdgeSessionAutoConfiguration.class);

	/** The Redis store is closed with the context (destroy method inferred: close). */
	@Bean
	SessionStore edgeSessionStore(EdgeSessionProperties properties, ObjectProvider<DataRedisConnectionDetails> redis) {
		if (properties.redis().enabled()) {
			RedisSessionStore store = new RedisSessionStore(redis.getIfAvailable(), properties.redis().keyPrefix(),
					properties.redis().timeout());
			logger.info("Browser sessions are kept in Redis at " + store.target());
			return store;
		}
		return new InMemorySessionStore(1_000_000);
	}

	@Bean
	BrowserSessionWebFilter browserSessionWebFilter(EdgeSessionProperties configured, SessionStore store,
			ObjectProvider<WebClient.Builder> webClients, Environment environment) {
		EdgeSessionProperties properties = configured
			.withIssuer(environment.getProperty("edge.security.jwt.issuer-uri", URI.class));
		WebClient web = webClients.getIfAvailable(WebClient::builder).build();
		OidcClient oidc = new OidcClient(properties.issuerUri(), properties.clientId(), properties.clientSecret(), web,
				Clock.systemUTC());
		return new BrowserSessionWebFilter(properties, store, oidc, Clock.systemUTC());
	}

	/** The {@code /bff/*} endpoints, after the rate limit. */
	@Bean
	EdgeChainLink browserSessionEndpoints(BrowserSessionWebFilter sessions) {
		return sessions.endpoints();
	}

}
