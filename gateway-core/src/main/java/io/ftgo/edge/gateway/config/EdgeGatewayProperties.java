package io.ftgo.edge.gateway.config;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.core.env.Environment;
import org.springframework.util.unit.DataSize;

import io.ftgo.edge.gateway.support.ClientAddressResolver;
import io.ftgo.edge.gateway.support.ReservedHeaders;
import io.ftgo.edge.security.config.EdgeSettings;
import io.ftgo.edge.security.config.InvalidEdgeConfigurationException;

import static io.ftgo.edge.security.config.InvalidEdgeConfigurationException.require;

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
 *   reserved-headers:                  # the identity namespace (ReservedHeaders.DEFAULTS) plus:
 *     additional: [X-Tenant-*]         # more names or prefixes (trailing *) no client may send
 *     unreserved: []                   # entries of the default a client may send: explicit only
 *   response:
 *     strip-headers: [X-Backend-*]     # more provider-identifying answer headers to remove
 *   server:
 *     header-timeout: 10s              # request line + headers complete within; else 408, closed
 *     body-timeout: 10s                # a body that stalls this long while read; 408, closed
 *     max-connections: 10000           # per instance; beyond: 503 problem+json, closed
 *     keep-alive-idle: 30s             # idle keep-alive connections are closed after this
 * </pre>
 *
 * @param trustedProxies addresses or CIDR blocks of proxies whose {@code X-Forwarded-For}
 * is believed; empty = none, the peer address is the client
 * @param limits request size limits
 * @param cors cross-origin settings of this BFF; none = no CORS answers
 * @param reservedHeaders the reserved identity namespace
 * @param response what every answer loses on the way out
 * @param server connection-level limits against slow and greedy clients
 */
@ConfigurationProperties(EdgeGatewayProperties.PREFIX)
public record EdgeGatewayProperties(List<String> trustedProxies, @DefaultValue Limits limits, @DefaultValue Cors cors,
		@DefaultValue ReservedHeaderSettings reservedHeaders, @DefaultValue Response response,
		@DefaultValue Server server) implements EdgeSettings {

	/** The configuration prefix. */
	public static final String PREFIX = "edge";

	private static final java.util.regex.Pattern HEADER_PATTERN = java.util.regex.Pattern
		.compile("[A-Za-z0-9][A-Za-z0-9-]*\\*?");

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

	/**
	 * The reserved identity namespace: {@code ReservedHeaders.DEFAULTS}, extended and
	 * (explicitly) reduced.
	 *
	 * @param additional header names, or prefixes ending in {@code *}, added to the
	 * namespace
	 * @param unreserved entries of the default namespace, written exactly as listed
	 * there, that clients may send to this BFF's providers
	 */
	public record ReservedHeaderSettings(List<String> additional, List<String> unreserved) {

		public ReservedHeaderSettings {
			additional = (additional != null) ? List.copyOf(additional) : List.of();
			unreserved = (unreserved != null) ? List.copyOf(unreserved) : List.of();
		}

		/** The namespace in effect. */
		public ReservedHeaders toReservedHeaders() {
			return ReservedHeaders.of(this.additional, this.unreserved);
		}

	}

	/**
	 * What every answer loses before it leaves: provider-identifying headers.
	 *
	 * @param stripHeaders header names, or prefixes ending in {@code *}, removed from
	 * every answer in addition to {@link #ALWAYS_STRIPPED}
	 */
	public record Response(List<String> stripHeaders) {

		/** Always removed from answers. */
		public static final List<String> ALWAYS_STRIPPED = List.of("Server", "X-Powered-By", "Matched-Stub-*",
				"X-Envoy-*", "X-AspNet-Version", "X-AspNetMvc-Version", "Via");

		public Response {
			stripHeaders = (stripHeaders != null) ? List.copyOf(stripHeaders) : List.of();
		}

		/** Everything stripped: the fixed list and the configured one. */
		public List<String> stripped() {
			List<String> all = new java.util.ArrayList<>(ALWAYS_STRIPPED);
			all.addAll(this.stripHeaders);
			return all;
		}

	}

	/**
	 * Connection-level limits of the application port.
	 *
	 * @param headerTimeout the time a client has, from the first byte of a request, to
	 * send the request line and all headers; beyond it the answer is 408 and the
	 * connection is closed
	 * @param bodyTimeout the longest pause in a request body while the edge is reading
	 * it; beyond it 408 (if nothing was answered yet) and the connection is closed
	 * @param maxConnections open connections per instance; one more is answered 503 and
	 * closed
	 * @param keepAliveIdle how long an idle keep-alive connection stays open; below the
	 * usual load-balancer idle timeouts (60s)
	 */
	public record Server(@DefaultValue("10s") Duration headerTimeout, @DefaultValue("10s") Duration bodyTimeout,
			@DefaultValue("10000") int maxConnections, @DefaultValue("30s") Duration keepAliveIdle) {
	}

	/** Checks every value as the settings are bound (see {@link EdgeSettings}). */
	@Override
	public void validate(Environment environment) {
		validate();
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
		validateNamespace();
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

	private void validateNamespace() {
		String key = PREFIX + ".reserved-headers";
		for (String entry : this.reservedHeaders.additional()) {
			require(entry != null && HEADER_PATTERN.matcher(entry).matches(), key + ".additional", entry,
					"a header name or a prefix ending in *, e.g. X-Tenant-*");
		}
		for (String entry : this.reservedHeaders.unreserved()) {
			require(entry != null && ReservedHeaders.DEFAULTS.stream().anyMatch(entry::equalsIgnoreCase),
					key + ".unreserved", entry,
					"an entry of the default namespace, written as there: " + ReservedHeaders.DEFAULTS);
		}
		for (String entry : this.response.stripHeaders()) {
			require(entry != null && HEADER_PATTERN.matcher(entry).matches(), PREFIX + ".response.strip-headers", entry,
					"a header name or a prefix ending in *, e.g. X-Backend-*");
		}
		String server = PREFIX + ".server";
		requireBetween(server + ".header-timeout", this.server.headerTimeout(), Duration.ofSeconds(1),
				Duration.ofSeconds(60));
		requireBetween(server + ".body-timeout", this.server.bodyTimeout(), Duration.ofSeconds(1),
				Duration.ofSeconds(300));
		requireBetween(server + ".keep-alive-idle", this.server.keepAliveIdle(), Duration.ofSeconds(1),
				Duration.ofSeconds(55));
		require(this.server.maxConnections() >= 1 && this.server.maxConnections() <= 1_000_000,
				server + ".max-connections", this.server.maxConnections(), "between 1 and 1000000");
	}

	private static void requireBetween(String key, Duration value, Duration min, Duration max) {
		require(value != null && value.compareTo(min) >= 0 && value.compareTo(max) <= 0, key, value, "between "
				+ min.toSeconds() + "s and " + max.toSeconds() + "s"
				+ (key.endsWith("keep-alive-idle") ? ", below the usual load-balancer idle timeout of 60s" : ""));
	}

}
