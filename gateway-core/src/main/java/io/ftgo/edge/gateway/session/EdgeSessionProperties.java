package io.ftgo.edge.gateway.session;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.core.env.Environment;

import io.ftgo.edge.security.config.EdgeSettings;

import static io.ftgo.edge.security.config.InvalidEdgeConfigurationException.require;

/**
 * Browser session mode (the BFF pattern of "OAuth 2.0 for Browser-Based Applications"),
 * under {@value #PREFIX}: the edge is a confidential OAuth client (authorization code +
 * PKCE), keeps the tokens server-side and gives the browser only an HttpOnly session
 * cookie. Off unless {@code enabled: true}.
 *
 * <pre>
 * edge:
 *   session:
 *     enabled: true
 *     client-id: bff-web
 *     client-secret: ${BFF_WEB_CLIENT_SECRET}
 *     scopes: [openid, web]
 *     api-paths: [/api/web/**]
 * </pre>
 *
 * @param enabled whether session mode runs
 * @param issuerUri the identity provider; default {@code edge.security.jwt.issuer-uri}
 * @param clientId this BFF's client id at the identity provider
 * @param clientSecret its client secret
 * @param scopes scopes asked for at login
 * @param apiPaths paths where a session cookie authenticates (the token is relayed); the
 * cookie is ignored elsewhere (the page and its assets)
 * @param publicOrigin the origin browsers use (scheme://host[:port]) when the edge is
 * behind a proxy; default: the origin of each request
 * @param cookie the session cookie
 * @param csrfHeader the anti-forgery header every session-authenticated request must
 * carry (any non-empty value)
 * @param idleTimeout a session unused this long ends
 * @param maxLifetime a session ends this long after login, used or not
 * @param refreshBefore the access token is refreshed when it expires within this
 * @param redis session storage in Redis, shared by replicas
 */
@ConfigurationProperties(EdgeSessionProperties.PREFIX)
public record EdgeSessionProperties(@DefaultValue("false") boolean enabled, URI issuerUri, String clientId,
		String clientSecret, @DefaultValue( {
				"openid" }) List<String> scopes,
		@DefaultValue("/api/**") List<String> apiPaths, URI publicOrigin, @DefaultValue Cookie cookie,
		@DefaultValue("X-CSRF") String csrfHeader, @DefaultValue("30m") Duration idleTimeout,
		@DefaultValue("8h") Duration maxLifetime, @DefaultValue("60s") Duration refreshBefore,
		@DefaultValue Redis redis) implements EdgeSettings{

	/** The configuration prefix. */
	public static final String PREFIX = "edge.session";

	/**
	 * The session cookie. With {@code secure} (the default) it is named
	 * {@code __Host-<name>}: Secure, Path=/, no Domain; browsers refuse a {@code __Host-}
	 * cookie without Secure, so {@code secure: false} (plain-HTTP development on a host
	 * the browser does not treat as secure) drops the prefix.
	 *
	 * @param name the name without prefix
	 * @param secure whether the cookie is Secure (and {@code __Host-} prefixed)
	 */
	public record Cookie(@DefaultValue("ftgo-session") String name, @DefaultValue("true") boolean secure) {

		/** The cookie name as sent. */
		public String fullName() {
			return this.secure ? "__Host-" + this.name : this.name;
		}

		/** The login-state cookie (binds the authorization response to this browser). */
		public String loginName() {
			return this.secure ? "__Host-" + this.name + "-login" : this.name + "-login";
		}

	}

	/**
	 * @param enabled keep sessions in Redis ({@code spring.data.redis.*}, standalone)
	 * instead of memory
	 * @param keyPrefix prefix of every key
	 * @param timeout bound on each Redis command
	 */
	public record Redis(@DefaultValue("false") boolean enabled, @DefaultValue("ftgo:bff:") String keyPrefix,
			@DefaultValue("1s") Duration timeout) {
	}

	/** The issuer to use, falling back to the resource server's. */
	EdgeSessionProperties withIssuer(URI fallback) {
		if (this.issuerUri != null || fallback == null) {
			return this;
		}
		return new EdgeSessionProperties(this.enabled, fallback, this.clientId, this.clientSecret, this.scopes,
				this.apiPaths, this.publicOrigin, this.cookie, this.csrfHeader, this.idleTimeout, this.maxLifetime,
				this.refreshBefore, this.redis);
	}

	/** Checks every value as the settings are bound (see {@link EdgeSettings}). */
	@Override
	public void validate(Environment environment) {
		withIssuer(environment.getProperty("edge.security.jwt.issuer-uri", URI.class)).validate();
	}

	/** Checks every value; the message names the key, the value and the fix. */
	public void validate() {
		if (!this.enabled) {
			return;
		}
		require(this.issuerUri != null && isHttp(this.issuerUri), PREFIX + ".issuer-uri", this.issuerUri,
				"the identity provider's issuer URL (or set edge.security.jwt.issuer-uri)");
		require(this.clientId != null && !this.clientId.isBlank(), PREFIX + ".client-id", this.clientId,
				"this BFF's client id at the identity provider, e.g. bff-web");
		require(this.clientSecret != null && !this.clientSecret.isBlank(), PREFIX + ".client-secret", "<missing>",
				"the client secret (e.g. from an environment variable or a Kubernetes Secret)");
		require(this.scopes.contains("openid"), PREFIX + ".scopes", this.scopes, "a list that contains openid");
		require(!this.apiPaths.isEmpty() && this.apiPaths.stream().allMatch((p) -> p.startsWith("/")),
				PREFIX + ".api-paths", this.apiPaths, "one or more path patterns starting with /, e.g. /api/web/**");
		require(this.publicOrigin == null || (isHttp(this.publicOrigin)
				&& (this.publicOrigin.getRawPath() == null || this.publicOrigin.getRawPath().isEmpty())),
				PREFIX + ".public-origin", this.publicOrigin,
				"scheme://host[:port] with no path, e.g. https://ftgo.example");
		require(this.cookie.name().matches("[A-Za-z0-9_-]{1,64}"), PREFIX + ".cookie.name", this.cookie.name(),
				"letters, digits, '-' or '_' (the __Host- prefix is added)");
		require(this.csrfHeader.matches("[A-Za-z0-9-]{1,64}"), PREFIX + ".csrf-header", this.csrfHeader,
				"a header name, e.g. X-CSRF");
		requireDuration(PREFIX + ".idle-timeout", this.idleTimeout, Duration.ofMinutes(1), Duration.ofDays(1));
		requireDuration(PREFIX + ".max-lifetime", this.maxLifetime, Duration.ofMinutes(1), Duration.ofDays(30));
		requireDuration(PREFIX + ".refresh-before", this.refreshBefore, Duration.ZERO, Duration.ofDays(1));
		requireDuration(PREFIX + ".redis.timeout", this.redis.timeout(), Duration.ofMillis(10), Duration.ofSeconds(30));
	}

	private static boolean isHttp(URI uri) {
		return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null;
	}

	private static void requireDuration(String key, Duration value, Duration min, Duration max) {
		require(value != null && value.compareTo(min) >= 0 && value.compareTo(max) <= 0, key, value,
				"between " + min + " and " + max);
	}

}
