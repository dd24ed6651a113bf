package io.ftgo.edge.gateway.config;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.core.env.Environment;

import io.ftgo.edge.security.config.EdgeSettings;

import static io.ftgo.edge.security.config.InvalidEdgeConfigurationException.require;

/**
 * CORS for browser clients, under {@value #PREFIX}; no allowed origin = no CORS answers.
 *
 * <pre>
 * edge:
 *   cors:
 *     allowed-origins: [https://app.ftgo.example]
 *     allowed-methods: [GET, POST]
 *     allow-credentials: false
 * </pre>
 *
 * @param allowedOrigins exact origins; {@code *} only without credentials
 * @param allowedMethods methods allowed cross-origin
 * @param allowedHeaders request headers allowed cross-origin
 * @param exposedHeaders response headers scripts may read
 * @param allowCredentials whether cookies/authorization may be sent cross-origin
 * @param maxAge how long browsers may cache a preflight answer
 */
@ConfigurationProperties(EdgeCorsProperties.PREFIX)
public record EdgeCorsProperties(List<String> allowedOrigins, @DefaultValue( {
		"GET", "POST" }) List<String> allowedMethods,
		@DefaultValue({ "Authorization", "Content-Type", "If-None-Match" }) List<String> allowedHeaders,
		@DefaultValue({ "ETag", "RateLimit", "RateLimit-Policy", "Retry-After" }) List<String> exposedHeaders,
		@DefaultValue("false") boolean allowCredentials, @DefaultValue("30m") Duration maxAge) implements EdgeSettings{

	/** The configuration prefix. */
	public static final String PREFIX = "edge.cors";

	public EdgeCorsProperties {
		allowedOrigins = (allowedOrigins != null) ? List.copyOf(allowedOrigins) : List.of();
	}

	@Override
	public void validate(Environment environment) {
		for (String origin : this.allowedOrigins) {
			require(!("*".equals(origin) && this.allowCredentials), PREFIX + ".allowed-origins", origin,
					"exact origins when allow-credentials is true: browsers refuse a wildcard with credentials"
							+ " and it would hand any site the user's session");
			require("*".equals(origin) || origin.matches("https?://[^/\\s*]+"), PREFIX + ".allowed-origins", origin,
					"an origin like https://app.example.com (scheme, host, optional port; no path)");
		}
	}

}
