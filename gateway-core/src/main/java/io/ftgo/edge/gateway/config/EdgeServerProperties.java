package io.ftgo.edge.gateway.config;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.core.env.Environment;

import io.ftgo.edge.security.config.EdgeSettings;

import static io.ftgo.edge.security.config.InvalidEdgeConfigurationException.require;

/**
 * Connection-level limits of the application port against slow and greedy clients, under
 * {@value #PREFIX} (applied by {@code ConnectionGuards}).
 *
 * <pre>
 * edge:
 *   server:
 *     header-timeout: 10s              # request line + headers complete within; else 408, closed
 *     body-timeout: 10s                # a body that stalls this long while read; 408, closed
 *     max-connections: 10000           # per instance; beyond: 503 problem+json, closed
 *     keep-alive-idle: 30s             # idle keep-alive connections are closed after this
 * </pre>
 *
 * @param headerTimeout the time a client has, from the first byte of a request, to send
 * the request line and all headers; beyond it the answer is 408 and the connection is
 * closed
 * @param bodyTimeout the longest pause in a request body while the edge is reading it;
 * beyond it 408 (if nothing was answered yet) and the connection is closed
 * @param maxConnections open connections per instance; one more is answered 503 and
 * closed
 * @param keepAliveIdle how long an idle keep-alive connection stays open; below the usual
 * load-balancer idle timeouts (60s)
 */
@ConfigurationProperties(EdgeServerProperties.PREFIX)
public record EdgeServerProperties(@DefaultValue("10s") Duration headerTimeout,
		@DefaultValue("10s") Duration bodyTimeout, @DefaultValue("10000") int maxConnections,
		@DefaultValue("30s") Duration keepAliveIdle) implements EdgeSettings {

	/** The configuration prefix. */
	public static final String PREFIX = "edge.server";

	@Override
	public void validate(Environment environment) {
		requireBetween(PREFIX + ".header-timeout", this.headerTimeout, Duration.ofSeconds(1), Duration.ofSeconds(60),
				"");
		requireBetween(PREFIX + ".body-timeout", this.bodyTimeout, Duration.ofSeconds(1), Duration.ofSeconds(300), "");
		requireBetween(PREFIX + ".keep-alive-idle", this.keepAliveIdle, Duration.ofSeconds(1), Duration.ofSeconds(55),
				", below the usual load-balancer idle timeout of 60s");
		require(this.maxConnections >= 1 && this.maxConnections <= 1_000_000, PREFIX + ".max-connections",
				this.maxConnections, "between 1 and 1000000");
	}

	private static void requireBetween(String key, Duration value, Duration min, Duration max, String why) {
		require(value != null && value.compareTo(min) >= 0 && value.compareTo(max) <= 0, key, value,
				"between " + min.toSeconds() + "s and " + max.toSeconds() + "s" + why);
	}

}
