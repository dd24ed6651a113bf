package io.ftgo.edge.gateway.cache;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.core.env.Environment;
import org.springframework.util.unit.DataSize;
import org.springframework.web.util.pattern.PathPatternParser;
import org.springframework.web.util.pattern.PatternParseException;

import io.ftgo.edge.security.config.EdgeSettings;

import static io.ftgo.edge.security.config.InvalidEdgeConfigurationException.require;

/**
 * The response cache for GETs, under {@value #PREFIX}: only paths matched by a rule are
 * cached, per caller unless the rule says the answer is the same for everyone.
 *
 * <pre>
 * edge:
 *   cache:
 *     max-entries: 10000
 *     max-entry-size: 256KB
 *     vary: [Accept, Accept-Encoding, Accept-Language]
 *     rules:
 *       - { path: /api/web/restaurants/**, ttl: 60s, shared: true }
 * </pre>
 *
 * @param enabled whether the cache runs at all
 * @param maxEntries bound on cached answers
 * @param maxEntrySize answers larger than this are not cached
 * @param vary request headers that are part of every key
 * @param rules what is cached, for how long, and for whom
 */
@ConfigurationProperties(EdgeCacheProperties.PREFIX)
public record EdgeCacheProperties(@DefaultValue("true") boolean enabled, @DefaultValue("10000") long maxEntries,
		@DefaultValue("256KB") DataSize maxEntrySize, @DefaultValue( {
				"Accept", "Accept-Encoding", "Accept-Language" }) List<String> vary,
		List<Rule> rules) implements EdgeSettings{

	/** The configuration prefix. */
	public static final String PREFIX = "edge.cache";

	public EdgeCacheProperties {
		rules = (rules != null) ? List.copyOf(rules) : List.of();
	}

	/**
	 * One cached path.
	 *
	 * @param path a pattern of request paths ({@code *} one segment, {@code **} the rest)
	 * @param ttl how long an answer is served from the cache when the provider sends no
	 * {@code max-age}/{@code s-maxage}, and the ceiling of those when it does
	 * @param shared true when the answer is the same for every caller (one entry for
	 * all); false keeps one entry per caller identity
	 */
	public record Rule(String path, @DefaultValue("30s") Duration ttl, @DefaultValue("false") boolean shared) {
	}

	/** Checks every value as the settings are bound (see {@link EdgeSettings}). */
	@Override
	public void validate(Environment environment) {
		validate();
	}

	/** Checks every value; the message names the key, the value and the fix. */
	public void validate() {
		require(this.maxEntries >= 1 && this.maxEntries <= 10_000_000, PREFIX + ".max-entries", this.maxEntries,
				"between 1 and 10000000");
		require(this.maxEntrySize.toBytes() >= 1 && this.maxEntrySize.toBytes() <= 16L * 1024 * 1024,
				PREFIX + ".max-entry-size", this.maxEntrySize, "between 1B and 16MB");
		for (int i = 0; i < this.rules.size(); i++) {
			Rule rule = this.rules.get(i);
			require(rule.path() != null && rule.path().startsWith("/") && parses(rule.path()),
					PREFIX + ".rules[" + i + "].path", rule.path(),
					"a path pattern starting with / (*, ** at the end, {name})");
			require(rule.ttl() != null && rule.ttl().compareTo(Duration.ofSeconds(1)) >= 0
					&& rule.ttl().compareTo(Duration.ofDays(1)) <= 0, PREFIX + ".rules[" + i + "].ttl", rule.ttl(),
					"between 1s and 1d");
		}
	}

	private static boolean parses(String pattern) {
		try {
			PathPatternParser.defaultInstance.parse(pattern);
			return true;
		}
		catch (PatternParseException ex) {
			return false;
		}
	}

}
