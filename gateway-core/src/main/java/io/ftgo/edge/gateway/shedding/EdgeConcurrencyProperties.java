package io.ftgo.edge.gateway.shedding;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.ConstructorBinding;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.core.env.Environment;
import org.springframework.web.util.pattern.PathPatternParser;
import org.springframework.web.util.pattern.PatternParseException;

import io.ftgo.edge.composition.ProviderDefinition;
import io.ftgo.edge.security.config.EdgeSettings;

import static io.ftgo.edge.security.config.InvalidEdgeConfigurationException.require;

/**
 * Adaptive concurrency limit and priority shedding of one BFF, under {@value #PREFIX}
 * (docs/load-shedding.md). Off unless {@code enabled: true}; the shipped BFFs turn it on.
 *
 * <pre>
 * edge:
 *   concurrency:
 *     enabled: true
 *     algorithm: gradient2          # gradient2 | vegas | fixed
 *     initial-limit: 100
 *     min-limit: 20
 *     max-limit: 1000
 *     retry-after: 1s
 *     writes: bypass                # bypass (never shed) | classify
 *     partitions: { interactive: 80, prefetch: 20 }
 *     default-partition: interactive
 *     rules:
 *       - { partition: prefetch, headers: { X-Prefetch: "1" } }
 *       - { partition: prefetch, headers: { Sec-Purpose: "prefetch*" } }
 *     sample-window: 1s             # the algorithm sees one latency per window
 *     sample-percentile: 50         # that latency: the window's median (0: its average)
 *     warm-up: 30s                  # never below initial-limit this long after start
 * </pre>
 *
 * @param enabled whether requests are limited at all
 * @param algorithm the limit algorithm of Netflix concurrency-limits: {@code gradient2},
 * {@code vegas}, or {@code fixed} (the limit stays at {@code initial-limit})
 * @param initialLimit the limit at start-up
 * @param minLimit the adaptive limit never goes below this
 * @param maxLimit the adaptive limit never goes above this
 * @param retryAfter the {@code Retry-After} of a shed request (whole seconds)
 * @param writes what happens to requests that are not GET, HEAD, OPTIONS or TRACE
 * @param partitions priority name to the percentage of the limit it is guaranteed when
 * the limit is reached (the sum is 100); none: one partition {@code default}
 * @param defaultPartition the partition of requests no rule matches
 * @param rules ordered: the first matching rule names a request's partition
 * @param exclude path patterns never limited (health probes)
 * @param sampleWindow the shortest window of latency samples the adaptive algorithm reads
 * as one (at least 1s by default, so a GC pause is a small share of a window)
 * @param samplePercentile the window's latency the algorithm sees: this percentile of the
 * window's samples (50: the median, which a pause of a few requests does not move), or 0
 * for their average
 * @param warmUp how long after start the limit is never below {@code initial-limit} (the
 * JIT warms up; the algorithm still learns)
 */
@ConfigurationProperties(EdgeConcurrencyProperties.PREFIX)
public record EdgeConcurrencyProperties(@DefaultValue("false") boolean enabled,
		@DefaultValue("gradient2") String algorithm, @DefaultValue("100") int initialLimit,
		@DefaultValue("20") int minLimit, @DefaultValue("1000") int maxLimit, @DefaultValue("1s") Duration retryAfter,
		@DefaultValue("bypass") String writes, Map<String, Integer> partitions, String defaultPartition,
		List<Rule> rules, @DefaultValue("/actuator/**") List<String> exclude, @DefaultValue("1s") Duration sampleWindow,
		@DefaultValue("50") int samplePercentile, @DefaultValue("30s") Duration warmUp) implements EdgeSettings {

	/** The configuration prefix. */
	public static final String PREFIX = "edge.concurrency";

	/** The partition of a configuration without partitions. */
	public static final String DEFAULT_PARTITION = "default";

	/** The algorithms offered (all from Netflix concurrency-limits). */
	public static final List<String> ALGORITHMS = List.of("gradient2", "vegas", "fixed");

	/** The write policies. */
	public static final List<String> WRITE_POLICIES = List.of("bypass", "classify");

	private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS",
			"TRACE");

	/**
	 * Settings with the default sampling and warm-up ({@code sample-window: 1s},
	 * {@code sample-percentile: 50}, {@code warm-up: 30s}).
	 */
	public EdgeConcurrencyProperties(boolean enabled, String algorithm, int initialLimit, int minLimit, int maxLimit,
			Duration retryAfter, String writes, Map<String, Integer> partitions, String defaultPartition,
			List<Rule> rules, List<String> exclude) {
		this(enabled, algorithm, initialLimit, minLimit, maxLimit, retryAfter, writes, partitions, defaultPartition,
				rules, exclude, Duration.ofSeconds(1), 50, Duration.ofSeconds(30));
	}

	@ConstructorBinding
	public EdgeConcurrencyProperties {
		algorithm = (algorithm != null) ? algorithm.trim().toLowerCase(Locale.ROOT) : null;
		writes = (writes != null) ? writes.trim().toLowerCase(Locale.ROOT) : null;
		if (partitions == null || partitions.isEmpty()) {
			partitions = Map.of(DEFAULT_PARTITION, 100);
			if (defaultPartition == null) {
				defaultPartition = DEFAULT_PARTITION;
			}
		}
		else {
			partitions = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(partitions));
		}
		rules = (rules != null) ? List.copyOf(rules) : List.of();
		exclude = (exclude != null) ? List.copyOf(exclude) : List.of();
	}

	/** Whether writes are never shed. */
	public boolean bypassWrites() {
		return "bypass".equals(this.writes);
	}

	/**
	 * One classification rule: every condition given must hold (at least one is given).
	 *
	 * @param partition the partition of the requests it matches
	 * @param paths path patterns, any of which matches ({@code *} a segment, {@code **}
	 * the rest)
	 * @param methods HTTP methods, any of which matches
	 * @param headers header name to value; every header must be present with a matching
	 * value (case ignored; {@code *} at the end: a prefix; {@code *} alone: any value)
	 */
	public record Rule(String partition, List<String> paths, List<String> methods, Map<String, String> headers) {

		public Rule {
			paths = (paths != null) ? List.copyOf(paths) : List.of();
			methods = (methods != null) ? methods.stream().map((m) -> m.trim().toUpperCase(Locale.ROOT)).toList()
					: List.of();
			headers = (headers != null) ? java.util.Collections.unmodifiableMap(new LinkedHashMap<>(headers))
					: Map.of();
		}

	}

	/**
	 * Checks every value as the settings are bound (see {@link EdgeSettings}), then each
	 * provider's concurrency-limit {@code partitions} against these.
	 */
	@Override
	public void validate(Environment environment) {
		validate();
		Binder.get(environment)
			.bind("edge.providers", Bindable.mapOf(String.class, ProviderPartitions.class))
			.ifBound((providers) -> providers.forEach(this::validateProvider));
	}

	/**
	 * Priorities carry through to a provider's concurrency limit only as the partition
	 * this limit gave the request: with this limit on, a provider's {@code partitions}
	 * must name its partitions (a name it never gives would count no call, and every call
	 * would count in the provider's first partition). With this limit off no request has
	 * a partition, and the providers' partitions are ignored
	 * ({@link #withoutProviderPartitions}): switching the BFF-wide limit off (a
	 * benchmark, an experiment) leaves each provider's limit on, first come first served.
	 */
	private void validateProvider(String provider, ProviderPartitions settings) {
		ProviderPartitions.Concurrency limit = settings.concurrency();
		if (!this.enabled || limit == null || !Boolean.TRUE.equals(limit.enabled()) || limit.partitions() == null
				|| limit.partitions().isEmpty()) {
			return;
		}
		String key = "edge.providers." + provider + ".concurrency.partitions";
		for (String name : limit.partitions().keySet()) {
			require(this.partitions.containsKey(name), key, name,
					"one of the partitions of " + PREFIX + ".partitions " + this.partitions.keySet());
		}
	}

	/**
	 * The providers as the composition engine gets them: with the BFF-wide limit off
	 * ({@code edge.concurrency.enabled} not {@code true}), no request has a partition, so
	 * each provider's concurrency limit is built without its {@code partitions} (one
	 * partition, first come first served) rather than counting every call in its first
	 * partition's share.
	 * @param providers the providers as bound
	 * @param environment the environment ({@code edge.concurrency.enabled})
	 * @return the providers, partitions removed where they cannot apply
	 */
	public static Map<String, ProviderDefinition> withoutProviderPartitions(Map<String, ProviderDefinition> providers,
			Environment environment) {
		if (environment.getProperty(PREFIX + ".enabled", Boolean.class, false)) {
			return providers;
		}
		Map<String, ProviderDefinition> result = new LinkedHashMap<>();
		providers.forEach((id, definition) -> {
			ProviderDefinition.ConcurrencyDefinition limit = definition.concurrency();
			result.put(id, (limit != null && limit.partitions() != null && !limit.partitions().isEmpty())
					? definition.withConcurrency(limit.withPartitions(null)) : definition);
		});
		return result;
	}

	/** What a provider's concurrency-limit partitions need of these settings. */
	record ProviderPartitions(Concurrency concurrency) {

		record Concurrency(Boolean enabled, Map<String, Integer> partitions) {
		}

	}

	/** Checks every value; the message names the key, the value and the fix. */
	public void validate() {
		require(this.algorithm != null && ALGORITHMS.contains(this.algorithm), PREFIX + ".algorithm", this.algorithm,
				"one of " + ALGORITHMS + " (Netflix concurrency-limits)");
		require(this.writes != null && WRITE_POLICIES.contains(this.writes), PREFIX + ".writes", this.writes,
				"one of " + WRITE_POLICIES);
		require(this.minLimit >= 1 && this.minLimit <= 100_000, PREFIX + ".min-limit", this.minLimit,
				"between 1 and 100000");
		require(this.maxLimit >= this.minLimit && this.maxLimit <= 100_000, PREFIX + ".max-limit", this.maxLimit,
				"between min-limit (" + this.minLimit + ") and 100000");
		require(this.initialLimit >= this.minLimit && this.initialLimit <= this.maxLimit, PREFIX + ".initial-limit",
				this.initialLimit, "between min-limit (" + this.minLimit + ") and max-limit (" + this.maxLimit + ")");
		require(this.retryAfter != null && this.retryAfter.compareTo(Duration.ofSeconds(1)) >= 0
				&& this.retryAfter.compareTo(Duration.ofHours(1)) <= 0, PREFIX + ".retry-after", this.retryAfter,
				"between 1s and 1h");
		require(this.sampleWindow != null && this.sampleWindow.compareTo(Duration.ofMillis(100)) >= 0
				&& this.sampleWindow.compareTo(Duration.ofSeconds(60)) <= 0, PREFIX + ".sample-window",
				this.sampleWindow, "between 100ms and 60s (1s rides out GC pauses)");
		require(this.samplePercentile >= 0 && this.samplePercentile <= 99, PREFIX + ".sample-percentile",
				this.samplePercentile, "0 (the average) or a percentile between 1 and 99 (50: the median)");
		require(this.warmUp != null && !this.warmUp.isNegative() && this.warmUp.compareTo(Duration.ofHours(1)) <= 0,
				PREFIX + ".warm-up", this.warmUp, "between 0s (none) and 1h");
		int sum = 0;
		for (Map.Entry<String, Integer> partition : this.partitions.entrySet()) {
			String name = partition.getKey();
			Integer percent = partition.getValue();
			require(name.matches("[a-z0-9][a-z0-9_-]{0,31}"), PREFIX + ".partitions", name,
					"partition names of 1..32 of a-z 0-9 _ - (they become metric tags)");
			require(percent != null && percent >= 0 && percent <= 100, PREFIX + ".partitions." + name, percent,
					"a percentage between 0 and 100");
			sum += percent;
		}
		require(sum == 100, PREFIX + ".partitions", this.partitions,
				"percentages that sum to 100 (they sum to " + sum + ")");
		require(this.defaultPartition != null && this.partitions.containsKey(this.defaultPartition),
				PREFIX + ".default-partition", this.defaultPartition,
				"one of the partitions " + this.partitions.keySet());
		for (int i = 0; i < this.rules.size(); i++) {
			Rule rule = this.rules.get(i);
			String key = PREFIX + ".rules[" + i + "]";
			require(rule.partition() != null && this.partitions.containsKey(rule.partition()), key + ".partition",
					rule.partition(), "one of the partitions " + this.partitions.keySet());
			require(!rule.paths().isEmpty() || !rule.methods().isEmpty() || !rule.headers().isEmpty(), key, "{}",
					"at least one of paths, methods, headers");
			for (int j = 0; j < rule.paths().size(); j++) {
				String path = rule.paths().get(j);
				require(path != null && path.startsWith("/") && parses(path), key + ".paths[" + j + "]", path,
						"a path pattern starting with / (*, ** at the end, {name})");
			}
			for (int j = 0; j < rule.methods().size(); j++) {
				require(METHODS.contains(rule.methods().get(j)), key + ".methods[" + j + "]", rule.methods().get(j),
						"one of " + METHODS.stream().sorted().toList());
			}
			for (Map.Entry<String, String> header : rule.headers().entrySet()) {
				require(header.getKey().matches("[A-Za-z0-9!#$%&'*+.^_`|~-]+") && header.getValue() != null
						&& !header.getValue().isEmpty(), key + ".headers." + header.getKey(), header.getValue(),
						"a header name and a value (* at the end: a prefix; * alone: present)");
			}
		}
		for (int i = 0; i < this.exclude.size(); i++) {
			String path = this.exclude.get(i);
			require(path != null && path.startsWith("/") && parses(path), PREFIX + ".exclude[" + i + "]", path,
					"a path pattern starting with / (*, ** at the end, {name})");
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
