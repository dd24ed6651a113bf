package io.ftgo.edge.gateway.deadline;

import java.time.Duration;
import java.util.regex.Pattern;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.core.env.Environment;

import io.ftgo.edge.composition.WebClientProviderClient;
import io.ftgo.edge.security.config.EdgeSettings;

import static io.ftgo.edge.security.config.InvalidEdgeConfigurationException.require;

/**
 * Deadlines that travel, under {@value #PREFIX}: every HTTP provider call tells the
 * provider the time it has left, and a client may shorten the edge's deadline.
 *
 * <pre>
 * edge:
 *   deadlines:
 *     header: X-Request-Deadline-Ms   # default
 *     max-client: 2s                  # default: the endpoint's own deadline
 * </pre>
 *
 * @param header the request header, in milliseconds, sent to providers and read from
 * clients
 * @param maxClient the longest deadline a client may ask for (longer ones are clamped),
 * or {@code null} for the endpoint's own deadline
 */
@ConfigurationProperties(EdgeDeadlinesProperties.PREFIX)
public record EdgeDeadlinesProperties(String header, Duration maxClient) implements EdgeSettings {

	/** The configuration prefix. */
	public static final String PREFIX = "edge.deadlines";

	private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9!#$%&'*+.^_`|~-]{1,64}");

	public EdgeDeadlinesProperties {
		header = (header != null) ? header.trim() : WebClientProviderClient.DEFAULT_DEADLINE_HEADER;
	}

	@Override
	public void validate(Environment environment) {
		require(TOKEN.matcher(this.header).matches(), PREFIX + ".header", this.header,
				"an HTTP header name, e.g. " + WebClientProviderClient.DEFAULT_DEADLINE_HEADER);
		require(this.maxClient == null || (!this.maxClient.isNegative() && !this.maxClient.isZero()),
				PREFIX + ".max-client", this.maxClient, "> 0, e.g. 2s, or remove it to use each endpoint's deadline");
	}

}
