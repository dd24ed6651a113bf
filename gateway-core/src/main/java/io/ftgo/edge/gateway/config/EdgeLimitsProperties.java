package io.ftgo.edge.gateway.config;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.core.env.Environment;
import org.springframework.util.unit.DataSize;

import io.ftgo.edge.security.config.EdgeSettings;

import static io.ftgo.edge.security.config.InvalidEdgeConfigurationException.require;

/**
 * Request size limits under {@value #PREFIX}, enforced before authentication
 * ({@code RequestLimitsWebFilter}).
 *
 * <pre>
 * edge:
 *   limits:
 *     max-uri-length: 4096             # longer → 414
 *     max-header-size: 8KB             # all headers together; larger → 431
 *     max-body-size: 1MB               # larger → 413 (also for chunked bodies)
 * </pre>
 *
 * @param maxUriLength longest path plus query, in characters, 256..16384
 * @param maxHeaderSize all request headers together, 1KB..16KB
 * @param maxBodySize largest request body, 1B..64MB
 */
@ConfigurationProperties(EdgeLimitsProperties.PREFIX)
public record EdgeLimitsProperties(@DefaultValue("4096") int maxUriLength, @DefaultValue("8KB") DataSize maxHeaderSize,
		@DefaultValue("1MB") DataSize maxBodySize) implements EdgeSettings {

	/** The configuration prefix. */
	public static final String PREFIX = "edge.limits";

	@Override
	public void validate(Environment environment) {
		require(this.maxUriLength >= 256 && this.maxUriLength <= 16 * 1024, PREFIX + ".max-uri-length",
				this.maxUriLength, "between 256 and 16384");
		require(this.maxHeaderSize.toBytes() >= 1024 && this.maxHeaderSize.toBytes() <= 16 * 1024,
				PREFIX + ".max-header-size", this.maxHeaderSize, "between 1KB and 16KB");
		require(this.maxBodySize.toBytes() >= 1 && this.maxBodySize.toBytes() <= 64L * 1024 * 1024,
				PREFIX + ".max-body-size", this.maxBodySize, "between 1B and 64MB");
	}

}
