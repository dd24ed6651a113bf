package io.ftgo.edge.gateway.config;

import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.core.env.Environment;

import io.ftgo.edge.security.config.EdgeSettings;

import static io.ftgo.edge.security.config.InvalidEdgeConfigurationException.require;

/**
 * What every answer loses before it leaves, under {@value #PREFIX}: provider-identifying
 * headers.
 *
 * <pre>
 * edge:
 *   response:
 *     strip-headers: [X-Backend-*]     # more provider-identifying answer headers to remove
 * </pre>
 *
 * @param stripHeaders header names, or prefixes ending in {@code *}, removed from every
 * answer in addition to {@link #ALWAYS_STRIPPED}
 */
@ConfigurationProperties(EdgeResponseProperties.PREFIX)
public record EdgeResponseProperties(List<String> stripHeaders) implements EdgeSettings {

	/** The configuration prefix. */
	public static final String PREFIX = "edge.response";

	/** Always removed from answers. */
	public static final List<String> ALWAYS_STRIPPED = List.of("Server", "X-Powered-By", "Matched-Stub-*", "X-Envoy-*",
			"X-AspNet-Version", "X-AspNetMvc-Version", "Via");

	public EdgeResponseProperties {
		stripHeaders = (stripHeaders != null) ? List.copyOf(stripHeaders) : List.of();
	}

	/** Everything stripped: the fixed list and the configured one. */
	public List<String> stripped() {
		List<String> all = new ArrayList<>(ALWAYS_STRIPPED);
		all.addAll(this.stripHeaders);
		return all;
	}

	@Override
	public void validate(Environment environment) {
		for (String entry : this.stripHeaders) {
			require(entry != null && EdgeReservedHeadersProperties.HEADER_PATTERN.matcher(entry).matches(),
					PREFIX + ".strip-headers", entry, "a header name or a prefix ending in *, e.g. X-Backend-*");
		}
	}

}
