package io.ftgo.edge.gateway.ratelimit;

import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.core.env.Environment;

import io.ftgo.edge.security.config.EdgeSettings;
import io.ftgo.edge.security.config.InvalidEdgeConfigurationException;

import static io.ftgo.edge.security.config.InvalidEdgeConfigurationException.require;

/**
 * Rate-limit settings, under {@value #PREFIX}. Every value is checked at start-up by
 * {@link #validate()}; a bad one stops the application with a message naming its key.
 *
 * <pre>
 * edge:
 *   rate-limit:
 *     enabled: true                  # false: no limit, no headers
 *     tiers:                         # token buckets: `limit` at once, refilled with `limit` per `window`
 *       default:   { limit: 100, window: 1s }   # authenticated callers without a (known) tier
 *       anonymous: { limit: 20,  window: 1s }   # unauthenticated callers, per client IP
 *       standard:  { limit: 50,  window: 1s }   # a partner tier (API key `tier`, JWT `tier` claim)
 *     exclude: [/actuator/**]        # path patterns never limited
 *     legacy-headers: false          # true: also RateLimit-Limit/-Remaining/-Reset (older drafts)
 *     max-keys: 100000               # in memory: callers tracked at once (least recent evicted)
 *     redis:
 *       enabled: false               # true: one budget across all replicas, in Redis (spring.data.redis.*)
 *       timeout: 100ms               # per decision; beyond it the failure mode applies
 *       failure-mode: open           # open: allow (unlimited) | closed: 503
 *       key-prefix: "edge:rl:"
 * </pre>
 *
 * A principal whose tier is not configured is limited by the {@code default} tier.
 *
 * @param enabled whether requests are limited at all
 * @param tiers tier name → limit and window; {@code default} and {@code anonymous} are
 * built in and may be overridden
 * @param exclude path patterns (e.g. {@code /actuator/**}) that are never limited
 * @param maxKeys the in-memory limiter's bound on tracked callers
 * @param redis the cluster-wide (Redis) limiter
 * @param legacyHeaders whether the header fields of older drafts
 * ({@code RateLimit-Limit}, {@code RateLimit-Remaining}, {@code RateLimit-Reset}) are
 * sent next to the current {@code RateLimit} and {@code RateLimit-Policy}; default false
 */
@ConfigurationProperties(EdgeRateLimitProperties.PREFIX)
public record EdgeRateLimitProperties(@DefaultValue("true") boolean enabled, Map<String, Tier> tiers,
		@DefaultValue("/actuator/**") List<String> exclude, @DefaultValue("100000") int maxKeys,
		@DefaultValue Redis redis, @DefaultValue("false") boolean legacyHeaders) implements EdgeSettings {

	/** The configuration prefix. */
	public static final String PREFIX = "edge.rate-limit";

	/** The tier of authenticated callers without a configured tier. */
	public static final String DEFAULT_TIER = "default";

	/** The tier of unauthenticated callers, keyed by client address. */
	public static final String ANONYMOUS_TIER = "anonymous";

	/** The largest accepted limit. */
	public static final int MAX_LIMIT = 10_000_000;

	/**
	 * The tier of failed authentications (401) per client address: once spent, the
	 * address gets 429 until its next token, so credentials cannot be guessed at full
	 * speed.
	 */
	public static final String AUTH_FAILURES_TIER = "auth-failures";

	private static final Map<String, Tier> BUILT_IN = Map.of(DEFAULT_TIER, new Tier(100, Duration.ofSeconds(1)),
			ANONYMOUS_TIER, new Tier(20, Duration.ofSeconds(1)), AUTH_FAILURES_TIER,
			new Tier(60, Duration.ofSeconds(60)));

	private static final Pattern TIER_NAME = Pattern.compile("[a-z0-9][a-z0-9_-]*");

	public EdgeRateLimitProperties {
		Map<String, Tier> merged = new LinkedHashMap<>(BUILT_IN);
		if (tiers != null) {
			tiers.forEach((name, tier) -> {
				Tier builtIn = BUILT_IN.get(name);
				Tier given = (tier != null) ? tier : new Tier(null, null);
				merged.put(name, (builtIn != null) ? given.orElse(builtIn) : given);
			});
		}
		tiers = Map.copyOf(merged);
		exclude = (exclude != null) ? List.copyOf(exclude) : List.of();
		redis = (redis != null) ? redis : new Redis(false, Duration.ofMillis(100), "open", "edge:rl:");
	}

	/**
	 * One tier: a token bucket of {@code limit} tokens refilled greedily with
	 * {@code limit} per {@code window}.
	 *
	 * @param limit the bucket's capacity and its refill per window,
	 * 1..{@value #MAX_LIMIT}
	 * @param window the window, between 1s and 1h; default 1s
	 */
	public record Tier(Integer limit, Duration window) {

		Tier orElse(Tier fallback) {
			return new Tier((this.limit != null) ? this.limit : fallback.limit(),
					(this.window != null) ? this.window : fallback.window());
		}

		/** The window, 1s when not given. */
		public Duration windowOrDefault() {
			return (this.window != null) ? this.window : Duration.ofSeconds(1);
		}

	}

	/**
	 * The Redis-backed limiter. The connection comes from Boot's
	 * {@code spring.data.redis.*} (standalone host/port/url, username, password,
	 * database, ssl, connect-timeout, client-name).
	 *
	 * @param enabled whether limits are kept in Redis (one budget for all replicas)
	 * @param timeout how long one decision may take, 10ms..5s; beyond it, or on any Redis
	 * error, {@code failureMode} applies
	 * @param failureMode {@code open} (allow the request) or {@code closed} (answer 503)
	 * @param keyPrefix prefix of every Redis key
	 */
	public record Redis(@DefaultValue("false") boolean enabled, @DefaultValue("100ms") Duration timeout,
			@DefaultValue("open") String failureMode, @DefaultValue("edge:rl:") String keyPrefix) {

		/**
		 * The parsed failure mode; call after {@link EdgeRateLimitProperties#validate()}.
		 */
		public FailureMode mode() {
			return FailureMode.valueOf(this.failureMode.trim().toUpperCase(Locale.ROOT));
		}

	}

	/** What happens to a request when Redis cannot decide in time. */
	public enum FailureMode {

		/** Allow the request (unlimited while Redis is away); counted as a failure. */
		OPEN,
		/** Refuse the request with 503 {@code rate_limit_unavailable}. */
		CLOSED

	}

	/** Checks every value as the settings are bound (see {@link EdgeSettings}). */
	@Override
	public void validate(Environment environment) {
		validate();
	}

	/**
	 * Checks every value; throws with the key, the value and what is expected.
	 * @throws InvalidEdgeConfigurationException on the first bad value
	 */
	public void validate() {
		this.tiers.forEach((name, tier) -> {
			String key = PREFIX + ".tiers." + name;
			require(TIER_NAME.matcher(name).matches(), key, name, "a tier name of lower-case letters, digits, - and _");
			require(tier.limit() != null && tier.limit() > 0, key + ".limit", tier.limit(), "> 0");
			require(tier.limit() <= MAX_LIMIT, key + ".limit", tier.limit(), "<= " + MAX_LIMIT);
			Duration window = tier.windowOrDefault();
			require(window.compareTo(Duration.ofSeconds(1)) >= 0 && window.compareTo(Duration.ofHours(1)) <= 0
					&& window.toMillis() % 1000 == 0, key + ".window", window,
					"whole seconds between 1s and 1h, e.g. 1s, 60s, 1h");
		});
		for (int i = 0; i < this.exclude.size(); i++) {
			String pattern = this.exclude.get(i);
			require(pattern != null && pattern.startsWith("/"), PREFIX + ".exclude[" + i + "]", pattern,
					"a path pattern starting with /, e.g. /actuator/**");
		}
		require(this.maxKeys >= 1000 && this.maxKeys <= 10_000_000, PREFIX + ".max-keys", this.maxKeys,
				"between 1000 and 10000000");
		String key = PREFIX + ".redis";
		Duration timeout = this.redis.timeout();
		require(timeout != null && timeout.compareTo(Duration.ofMillis(10)) >= 0
				&& timeout.compareTo(Duration.ofSeconds(5)) <= 0, key + ".timeout", timeout, "between 10ms and 5s");
		String mode = this.redis.failureMode();
		require(mode != null
				&& Arrays.stream(FailureMode.values()).anyMatch((m) -> m.name().equalsIgnoreCase(mode.trim())),
				key + ".failure-mode", mode, "one of open, closed");
		String prefix = this.redis.keyPrefix();
		require(prefix != null && !prefix.isBlank() && prefix.length() <= 64
				&& prefix.chars().noneMatch((c) -> c <= ' '), key + ".key-prefix", prefix,
				"1..64 characters without spaces, e.g. edge:rl:");
	}

}
