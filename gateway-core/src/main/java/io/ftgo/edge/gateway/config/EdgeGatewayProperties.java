package io.ftgo.edge.gateway.config;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

import io.ftgo.edge.gateway.support.ClientAddressResolver;

/**
 * General edge settings under {@value #PREFIX}; checked at start-up by
 * {@link #validate()}.
 *
 * <pre>
 * edge:
 *   trusted-proxies: [10.0.0.0/8]     # whose X-Forwarded-For is believed; default none
 *   limits:
 *     max-uri-length: 4096             # longer → 414
 *     max-header-size: 8KB             # all headers together; larger → 431
 *     max-body-size: 1MB               # larger → 413 (also for chunked bodies)
 *   cors:
 *     allowed-origins: [https://app.ftgo.example]
 *     allowed-methods: [GET, POST]
 *     allow-credentials: false
 * </pre>
 *
 * @param trustedProxies addresses or CIDR blocks of proxies whose {@code X-Forwarded-For}
 * is believed; empty = none, the peer address is the client
 * @param limits request size limits
 * @param cors cross-origin settings of this BFF; none = no CORS answers
 */
@ConfigurationProperties(EdgeGatewayProperties.PREFIX)
public record EdgeGatewayProperties(List<String> trustedProxies, @DefaultValue Limits limits, @DefaultValue Cors cors) {

	/** The configuration prefix. */
	public static final String PREFIX = "edge";

	public EdgeGatewayProperties {
		trustedProxies = (trustedProxies != null) ? List.copyOf(trustedProxies) : List.of();
	}

	/**
	 * Request limits, enforced before authentication.
	 *
	 * @param maxUriLength longest path plus query, in characters
	 * @param maxHeaderSize all request headers together
	 * @param maxBodySize largest request body
	 */
	public record Limits(@DefaultValue("4096") int maxUriLength, @DefaultValue("8KB") DataSize maxHeaderSize,
			@DefaultValue("1MB") DataSize maxBodySize) {
	}

	/**
	 * CORS for browser clients.
	 *
	 * @param allowedOrigins exact origins; {@code *} only without credentials
	 * @param allowedMethods methods allowed cross-origin
	 * @param allowedHeaders request headers allowed cross-origin
	 * @param exposedHeaders response headers scripts may read
	 * @param allowCredentials whether cookies/authorization may be sent cross-origin
	 * @param maxAge how long browsers may cache a preflight answer
	 */
	public record Cors(List<String> allowedOrigins, @DefaultValue( {
			"GET", "POST" }) List<String> allowedMethods,
			@DefaultValue({ "Authorization", "Content-Type", "If-None-Match" }) List<String> allowedHeaders,
			@DefaultValue({ "ETag", "RateLimit", "RateLimit-Policy", "Retry-After" }) List<String> exposedHeaders,
			@DefaultValue("false") boolean allowCredentials, @DefaultValue("30m") Duration maxAge){

		public Cors {
			allowedOrigins = (allowedOrigins != null) ? List.copyOf(allowedOrigins) : List.of();
		}

	}

	/** Checks every value; the message names the key, the value and the fix. */
	public void validate() {
		this.trustedProxies.forEach((proxy) -> {
			try {
				new ClientAddressResolver(List.of(proxy));
			}
			catch (IllegalArgumentException ex) {
				throw new InvalidEdgeConfigurationException(PREFIX + ".trusted-proxies", proxy,
						"an IP address or CIDR block, e.g. 10.0.0.0/8");
			}
		});
		require(this.limits.maxUriLength() >= 256 && this.limits.maxUriLength() <= 16 * 1024,
				PREFIX + ".limits.max-uri-length", this.limits.maxUriLength(), "between 256 and 16384");
		require(this.limits.maxHeaderSize().toBytes() >= 1024 && this.limits.maxHeaderSize().toBytes() <= 16 * 1024,
				PREFIX + ".limits.max-header-size", this.limits.maxHeaderSize(), "between 1KB and 16KB");
		require(this.limits.maxBodySize().toBytes() >= 1 && this.limits.maxBodySize().toBytes() <= 64L * 1024 * 1024,
				PREFIX + ".limits.max-body-size", this.limits.maxBodySize(), "between 1B and 64MB");
		for (String origin : this.cors.allowedOrigins()) {
			require(!("*".equals(origin) && this.cors.allowCredentials()), PREFIX + ".cors.allowed-origins", origin,
					"exact origins when allow-credentials is true: browsers refuse a wildcard with credentials"
							+ " and it would hand any site the user's session");
			require("*".equals(origin) || origin.matches("https?://[^/\\s*]+"), PREFIX + ".cors.allowed-origins",
					origin, "an origin like https://app.example.com (scheme, host, optional port; no path)");
		}
	}

	private static void require(boolean ok, String key, Object value, String expected) {
		if (!ok) {
			throw new InvalidEdgeConfigurationException(key, value, expected);
		}
	}

}
