package io.ftgo.edge.security.config;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.core.env.Environment;
import org.springframework.util.unit.DataSize;

import static io.ftgo.edge.security.config.InvalidEdgeConfigurationException.require;

/**
 * The edge security settings, under {@value #PREFIX}. Every value is checked at start-up
 * by {@link #validate()}; a bad one stops the application with a message naming its key
 * and the fix.
 *
 * <pre>
 * edge:
 *   security:
 *     jwt:
 *       issuer-uri: http://localhost:9090      # required: tokens must carry exactly this iss
 *       jwk-set-uri: http://localhost:9090/oauth2/jwks  # default: discovered from the issuer
 *       audiences: [ftgo-edge]                 # required: aud must contain one of these
 *       algorithms: [RS256, ES256]             # allow-list, asymmetric only
 *       clock-skew: 30s
 *       max-token-size: 8KB                    # larger bearer tokens are rejected unparsed
 *       jwks-refresh-floor: 30s                # at most one key-set fetch per interval
 *       jwks-max-age: 5m                       # keys are re-fetched when older (kept if that fails)
 *       jwks-timeout: 2s
 *     api-keys:
 *       header: X-API-Key
 *       keys:
 *         - client-id: partner-ajanta
 *           hash: sha256:&lt;hex of SHA-256 of the key&gt;
 *           tier: standard
 *           scopes: [partner]
 *           restaurant-ids: [501]
 *     rules:                                   # first match wins; unmatched paths need authentication
 *       - { path: /api/web/**, scopes: [web] }
 *       - { path: /actuator/health/**, permit-all: true }
 *     propagation:
 *       bearer: true                           # forward the caller's bearer token
 *       headers: { X-Consumer-Id: consumer_id }  # header: principal attribute
 * </pre>
 *
 * @param jwt the JWT resource-server settings
 * @param apiKeys the API keys of partner clients
 * @param rules per-path scope rules
 * @param propagation what identity reaches the providers
 */
@ConfigurationProperties(EdgeSecurityProperties.PREFIX)
public record EdgeSecurityProperties(@DefaultValue Jwt jwt, @DefaultValue ApiKeys apiKeys, List<Rule> rules,
		@DefaultValue Propagation propagation) implements EdgeSettings {

	/** The configuration prefix. */
	public static final String PREFIX = "edge.security";

	/**
	 * Algorithms a token may be signed with: asymmetric only, never {@code none} or HMAC.
	 */
	public static final Set<String> SUPPORTED_ALGORITHMS = Set.of("RS256", "RS384", "RS512", "ES256", "ES384", "ES512",
			"PS256", "PS384", "PS512");

	private static final Pattern HASH = Pattern.compile("sha256:[0-9a-f]{64}");

	private static final Pattern HEADER_NAME = Pattern.compile("[A-Za-z0-9-]+");

	public EdgeSecurityProperties {
		rules = (rules != null) ? List.copyOf(rules) : List.of();
	}

	/**
	 * JWT resource-server settings.
	 *
	 * @param enabled whether bearer JWTs are accepted at all
	 * @param issuerUri the only accepted {@code iss}; also where keys are discovered
	 * @param jwkSetUri where the key set is fetched; default: discovered from the issuer
	 * @param audiences accepted audiences; {@code aud} must contain one
	 * @param algorithms the signature algorithms allowed
	 * @param clockSkew tolerance for {@code exp} and {@code nbf}
	 * @param maxTokenSize bearer tokens larger than this are rejected before parsing
	 * @param jwksRefreshFloor the minimum interval between two key-set fetches
	 * @param jwksMaxAge keys older than this are re-fetched (and kept if that fails)
	 * @param jwksTimeout the timeout of one key-set fetch
	 */
	public record Jwt(@DefaultValue("true") boolean enabled, URI issuerUri, URI jwkSetUri, List<String> audiences,
			@DefaultValue( {
					"RS256", "ES256" }) List<String> algorithms,
			@DefaultValue("30s") Duration clockSkew, @DefaultValue("8KB") DataSize maxTokenSize,
			@DefaultValue("30s") Duration jwksRefreshFloor, @DefaultValue("5m") Duration jwksMaxAge,
			@DefaultValue("2s") Duration jwksTimeout){

		public Jwt {
			audiences = (audiences != null) ? List.copyOf(audiences) : List.of();
		}

	}

	/**
	 * API keys for partner clients.
	 *
	 * @param header the request header carrying the key
	 * @param keys the known keys, stored as hashes
	 */
	public record ApiKeys(@DefaultValue("X-API-Key") String header, List<ApiKey> keys) {

		public ApiKeys {
			keys = (keys != null) ? List.copyOf(keys) : List.of();
		}

	}

	/**
	 * One API key.
	 *
	 * @param clientId the client the key belongs to (the rate-limit and log identity)
	 * @param hash {@code sha256:} and the lower-case hex SHA-256 of the key
	 * @param tier the rate-limit tier
	 * @param scopes the scopes the key grants
	 * @param restaurantIds the restaurants the client is bound to
	 */
	public record ApiKey(String clientId, String hash, @DefaultValue("standard") String tier, List<String> scopes,
			List<Long> restaurantIds) {

		public ApiKey {
			scopes = (scopes != null) ? List.copyOf(scopes) : List.of();
			restaurantIds = (restaurantIds != null) ? List.copyOf(restaurantIds) : List.of();
		}

	}

	/**
	 * A scope rule: requests matching {@code path} (and {@code methods}, if given) need
	 * one of {@code scopes}, or nothing if {@code permitAll}.
	 *
	 * @param path an Ant-style path pattern, e.g. {@code /api/web/**}
	 * @param methods HTTP methods the rule applies to; empty = all
	 * @param scopes accepted scopes (any one suffices)
	 * @param permitAll whether the path is public
	 */
	public record Rule(String path, List<String> methods, List<String> scopes, boolean permitAll) {

		public Rule {
			methods = (methods != null) ? List.copyOf(methods) : List.of();
			scopes = (scopes != null) ? List.copyOf(scopes) : List.of();
		}

	}

	/**
	 * Identity propagation to providers.
	 *
	 * @param bearer whether the caller's bearer token is forwarded as
	 * {@code Authorization}
	 * @param headers headers set from principal attributes (header name → attribute
	 * name); inbound copies of these headers are always removed
	 */
	public record Propagation(@DefaultValue("true") boolean bearer, Map<String, String> headers) {

		public Propagation {
			headers = (headers != null) ? new LinkedHashMap<>(headers) : Map.of();
		}

	}

	/**
	 * These settings with the JWT issuer taken from Spring Boot's standard key
	 * {@code spring.security.oauth2.resourceserver.jwt.issuer-uri} when
	 * {@code edge.security.jwt.issuer-uri} is not set.
	 * @param standardIssuer the value of the standard key, or null
	 * @return the effective settings
	 */
	public EdgeSecurityProperties withIssuerFallback(URI standardIssuer) {
		if (this.jwt.issuerUri() != null || standardIssuer == null) {
			return this;
		}
		Jwt j = this.jwt;
		return new EdgeSecurityProperties(
				new Jwt(j.enabled(), standardIssuer, j.jwkSetUri(), j.audiences(), j.algorithms(), j.clockSkew(),
						j.maxTokenSize(), j.jwksRefreshFloor(), j.jwksMaxAge(), j.jwksTimeout()),
				this.apiKeys, this.rules, this.propagation);
	}

	/** Checks every value as the settings are bound (see {@link EdgeSettings}). */
	@Override
	public void validate(Environment environment) {
		withIssuerFallback(environment.getProperty("spring.security.oauth2.resourceserver.jwt.issuer-uri", URI.class))
			.validate();
	}

	/**
	 * Checks every value; throws with the key, the value and what is expected.
	 * @throws InvalidEdgeConfigurationException on the first bad value
	 */
	public void validate() {
		if (this.jwt.enabled()) {
			validateJwt();
		}
		validateApiKeys();
		for (int i = 0; i < this.rules.size(); i++) {
			Rule rule = this.rules.get(i);
			String key = PREFIX + ".rules[" + i + "]";
			require(rule.path() != null && rule.path().startsWith("/"), key + ".path", rule.path(),
					"a path pattern starting with /, e.g. /api/web/**");
			require(rule.permitAll() || !rule.scopes().isEmpty(), key + ".scopes", rule.scopes(),
					"at least one scope, or permit-all: true");
			require(!(rule.permitAll() && !rule.scopes().isEmpty()), key + ".permit-all", true,
					"either permit-all or scopes, not both");
			for (String method : rule.methods()) {
				require(Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
					.contains(method.toUpperCase(Locale.ROOT)), key + ".methods", method, "an HTTP method");
			}
		}
		this.propagation.headers().forEach((header, attribute) -> {
			String key = PREFIX + ".propagation.headers." + header;
			require(HEADER_NAME.matcher(header).matches(), key, header, "a header name (letters, digits, -)");
			require(attribute != null && !attribute.isBlank(), key, attribute, "a principal attribute name");
		});
	}

	private void validateJwt() {
		String key = PREFIX + ".jwt";
		require(this.jwt.issuerUri() != null, key + ".issuer-uri", null,
				"the identity provider's issuer URL, e.g. http://localhost:9090 (or set"
						+ " spring.security.oauth2.resourceserver.jwt.issuer-uri, or jwt.enabled: false)");
		require(isHttp(this.jwt.issuerUri()), key + ".issuer-uri", this.jwt.issuerUri(), "an http(s) URL");
		require(this.jwt.jwkSetUri() == null || isHttp(this.jwt.jwkSetUri()), key + ".jwk-set-uri",
				this.jwt.jwkSetUri(), "an http(s) URL, or leave it out to discover it from the issuer");
		require(!this.jwt.audiences().isEmpty() && this.jwt.audiences().stream().noneMatch(String::isBlank),
				key + ".audiences", this.jwt.audiences(), "at least one audience, e.g. [ftgo-edge]");
		require(!this.jwt.algorithms().isEmpty(), key + ".algorithms", this.jwt.algorithms(),
				"one or more of " + new java.util.TreeSet<>(SUPPORTED_ALGORITHMS));
		for (String algorithm : this.jwt.algorithms()) {
			require(SUPPORTED_ALGORITHMS.contains(algorithm), key + ".algorithms", algorithm, "one of "
					+ new java.util.TreeSet<>(SUPPORTED_ALGORITHMS) + "; none and HMAC algorithms are never accepted");
		}
		requireDuration(key + ".clock-skew", this.jwt.clockSkew(), Duration.ZERO, Duration.ofMinutes(5));
		require(this.jwt.maxTokenSize() != null && this.jwt.maxTokenSize().toBytes() >= 512
				&& this.jwt.maxTokenSize().toBytes() <= 64 * 1024, key + ".max-token-size", this.jwt.maxTokenSize(),
				"between 512B and 64KB");
		requireDuration(key + ".jwks-refresh-floor", this.jwt.jwksRefreshFloor(), Duration.ofSeconds(1),
				Duration.ofHours(1));
		requireDuration(key + ".jwks-max-age", this.jwt.jwksMaxAge(), this.jwt.jwksRefreshFloor(), Duration.ofDays(1));
		requireDuration(key + ".jwks-timeout", this.jwt.jwksTimeout(), Duration.ofMillis(100), Duration.ofSeconds(30));
	}

	private void validateApiKeys() {
		String key = PREFIX + ".api-keys";
		require(this.apiKeys.header() != null && HEADER_NAME.matcher(this.apiKeys.header()).matches(), key + ".header",
				this.apiKeys.header(), "a header name, e.g. X-API-Key");
		Set<String> hashes = new HashSet<>();
		List<ApiKey> keys = new ArrayList<>(this.apiKeys.keys());
		for (int i = 0; i < keys.size(); i++) {
			ApiKey apiKey = keys.get(i);
			String itemKey = key + ".keys[" + i + "]";
			require(apiKey.clientId() != null && !apiKey.clientId().isBlank(), itemKey + ".client-id",
					apiKey.clientId(), "the partner's client id");
			require(apiKey.hash() != null && HASH.matcher(apiKey.hash()).matches(), itemKey + ".hash",
					(apiKey.hash() == null) ? null : "<redacted>",
					"sha256:<64 lower-case hex chars>; make one with: printf %s \"$KEY\" | sha256sum");
			require(hashes.add(apiKey.hash()), itemKey + ".hash", "<redacted>", "a hash no other key has");
			require(!apiKey.scopes().isEmpty(), itemKey + ".scopes", apiKey.scopes(), "at least one scope");
		}
	}

	private static boolean isHttp(URI uri) {
		return uri != null && ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
				&& uri.getHost() != null;
	}

	private static void requireDuration(String key, Duration value, Duration min, Duration max) {
		require(value != null && value.compareTo(min) >= 0 && value.compareTo(max) <= 0, key, value,
				"between " + min + " and " + max);
	}

}
