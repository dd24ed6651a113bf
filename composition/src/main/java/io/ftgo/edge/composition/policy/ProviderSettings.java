package io.ftgo.edge.composition.policy;

import java.net.URI;
import java.time.Duration;

import io.ftgo.edge.composition.Freshness;
import io.ftgo.edge.composition.ProviderDefinition;

/**
 * Validated provider settings with defaults applied (internal).
 *
 * @param id the provider id
 * @param url the base URL without a trailing slash, or {@code null} for source-only
 * providers
 * @param timeout the per-attempt timeout
 * @param shared whether answers are the same for every identity scope
 * @param maxAttempts attempts of idempotent calls, including the first
 * @param backoff the first retry backoff
 * @param jitter the retry jitter factor
 * @param failureRateThreshold circuit breaker failure rate threshold
 * @param slidingWindowSize circuit breaker window
 * @param minimumNumberOfCalls circuit breaker minimum calls
 * @param waitInOpenState circuit breaker open duration
 * @param permittedCallsInHalfOpenState circuit breaker trial calls
 * @param maxConcurrentCalls bulkhead limit
 * @param staleFor last-good maximum age, zero when disabled
 * @param cacheSize last-good maximum entries
 * @param freshness the provider's stale-while-revalidate policy as configured
 * (validated), or {@code null}; parts merge their own over it
 * @param hedge hedged calls, or {@code null} when the provider hedges none
 * @param retryBudget the retry budget, or {@code null} when disabled
 * @param grpc the gRPC settings of a {@code transport: grpc} provider, or {@code null}
 * for an HTTP provider
 * @param concurrency the adaptive concurrency limit, or {@code null} when disabled
 * @param admission admission control, or {@code null} when disabled
 */
public record ProviderSettings(String id, String url, Duration timeout, boolean shared, int maxAttempts,
		Duration backoff, double jitter, float failureRateThreshold, int slidingWindowSize, int minimumNumberOfCalls,
		Duration waitInOpenState, int permittedCallsInHalfOpenState, int maxConcurrentCalls, Duration staleFor,
		long cacheSize, Freshness freshness, Hedge hedge, RetryBudgetSettings retryBudget, Grpc grpc,
		ConcurrencySettings concurrency, AdmissionSettings admission) {

	/**
	 * Validated gRPC settings (see {@link ProviderDefinition.GrpcDefinition}).
	 *
	 * @param target the channel target
	 * @param services the generated {@code *Grpc} class names
	 * @param plaintext whether the channel is plaintext
	 */
	public record Grpc(String target, java.util.List<String> services, boolean plaintext) {

		static Grpc from(String providerKey, ProviderDefinition d) {
			boolean grpc = d.transport() == ProviderDefinition.Transport.GRPC;
			ProviderDefinition.GrpcDefinition g = d.grpc();
			if (!grpc) {
				// An http provider ignores a grpc block: switching transport is one key.
				return null;
			}
			if (g == null || g.target() == null || g.target().isBlank()) {
				throw new IllegalArgumentException(providerKey + ".grpc.target: " + ((g != null) ? g.target() : null)
						+ " (expected: the gRPC address with transport: grpc, e.g. localhost:9087 or"
						+ " dns:///order.internal:9087)");
			}
			String target = g.target().trim();
			if (target.startsWith("http://") || target.startsWith("https://")) {
				throw new IllegalArgumentException(providerKey + ".grpc.target: " + target
						+ " (expected: host:port or a gRPC target such as dns:///host:port, not an http(s) URL)");
			}
			if (g.services() == null || g.services().isEmpty()
					|| g.services().stream().anyMatch((name) -> name == null || name.isBlank())) {
				throw new IllegalArgumentException(providerKey + ".grpc.services: " + g.services()
						+ " (expected: the generated *Grpc classes of the services called, e.g."
						+ " [net.chrisrichardson.ftgo.orderservice.grpc.OrderServiceGrpc])");
			}
			return new Grpc(target, java.util.List.copyOf(g.services()), g.plaintext() == null || g.plaintext());
		}

	}

	/**
	 * Validates a definition and applies defaults.
	 * @param id the provider id
	 * @param d the definition
	 * @return the settings
	 * @throws IllegalArgumentException naming the key, the value and the expectation
	 */
	public static ProviderSettings from(String id, ProviderDefinition d) {
		String key = "edge.providers." + id;
		if (d == null) {
			throw new IllegalArgumentException(key + ": null (expected: a provider definition with a url)");
		}
		String url = null;
		if (d.url() != null) {
			URI uri;
			try {
				uri = URI.create(d.url());
			}
			catch (IllegalArgumentException ex) {
				throw new IllegalArgumentException(key + ".url: " + d.url() + " (expected: an absolute http(s) URL)");
			}
			if ("grpc".equals(uri.getScheme()) || "grpcs".equals(uri.getScheme()) || "dns".equals(uri.getScheme())) {
				throw new IllegalArgumentException(key + ".url: " + d.url() + " (expected: an absolute http(s) URL;"
						+ " fix: put a gRPC address under " + key + ".grpc.target with " + key + ".transport: grpc)");
			}
			if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
				throw new IllegalArgumentException(key + ".url: " + d.url() + " (expected: an absolute http(s) URL)");
			}
			url = d.url().endsWith("/") ? d.url().substring(0, d.url().length() - 1) : d.url();
		}
		Duration timeout = positive(key + ".timeout", d.timeout(), Duration.ofSeconds(1));
		ProviderDefinition.RetryDefinition r = d.retry();
		int maxAttempts = atLeast(key + ".retry.max-attempts", (r != null) ? r.maxAttempts() : null, 2, 1);
		Duration backoff = positive(key + ".retry.backoff", (r != null) ? r.backoff() : null, Duration.ofMillis(50));
		double jitter = (r != null && r.jitter() != null) ? r.jitter() : 0.5;
		if (jitter < 0 || jitter > 1) {
			throw new IllegalArgumentException(key + ".retry.jitter: " + jitter + " (expected: >= 0 and <= 1)");
		}
		ProviderDefinition.CircuitBreakerDefinition cb = d.circuitBreaker();
		float rate = (cb != null && cb.failureRateThreshold() != null) ? cb.failureRateThreshold() : 50f;
		if (rate <= 0 || rate > 100) {
			throw new IllegalArgumentException(
					key + ".circuit-breaker.failure-rate-threshold: " + rate + " (expected: > 0 and <= 100)");
		}
		int window = atLeast(key + ".circuit-breaker.sliding-window-size", (cb != null) ? cb.slidingWindowSize() : null,
				20, 1);
		int minCalls = atLeast(key + ".circuit-breaker.minimum-number-of-calls",
				(cb != null) ? cb.minimumNumberOfCalls() : null, Math.min(10, window), 1);
		Duration waitOpen = positive(key + ".circuit-breaker.wait-in-open-state",
				(cb != null) ? cb.waitInOpenState() : null, Duration.ofSeconds(30));
		int halfOpen = atLeast(key + ".circuit-breaker.permitted-calls-in-half-open-state",
				(cb != null) ? cb.permittedCallsInHalfOpenState() : null, 3, 1);
		int maxConcurrent = atLeast(key + ".bulkhead.max-concurrent-calls",
				(d.bulkhead() != null) ? d.bulkhead().maxConcurrentCalls() : null, 64, 1);
		ProviderDefinition.FallbackDefinition f = d.fallback();
		Duration staleFor = (f != null && f.staleFor() != null) ? f.staleFor() : Duration.ofMinutes(1);
		if (staleFor.isNegative()) {
			throw new IllegalArgumentException(key + ".fallback.stale-for: " + staleFor + " (expected: >= 0)");
		}
		long size = (f != null && f.maxSize() != null) ? f.maxSize() : 10_000L;
		if (size < 0) {
			throw new IllegalArgumentException(key + ".fallback.max-size: " + size + " (expected: >= 0)");
		}
		FreshnessPolicy.of(key + ".freshness", d.freshness());
		if (d.freshness() != null && size == 0) {
			throw new IllegalArgumentException(key + ".fallback.max-size: 0 (expected: > 0 with freshness; fix: "
					+ "remove " + key + ".freshness or allow entries)");
		}
		return new ProviderSettings(id, url, timeout, Boolean.TRUE.equals(d.shared()), maxAttempts, backoff, jitter,
				rate, window, minCalls, waitOpen, halfOpen, maxConcurrent, staleFor, size, d.freshness(),
				Hedge.from(key, d.hedge()), RetryBudgetSettings.from(key, (r != null) ? r.budget() : null),
				Grpc.from(key, d), ConcurrencySettings.from(key, d.concurrency(), maxConcurrent),
				AdmissionSettings.from(key, d.admissionControl()));
	}

	/**
	 * Whether the provider is called over gRPC ({@code transport: grpc}).
	 * @return {@code true} for a gRPC provider
	 */
	public boolean isGrpc() {
		return this.grpc != null;
	}

	/**
	 * Whether a last good value is kept for this provider.
	 * @return {@code true} unless disabled
	 */
	public boolean keepsLastGood() {
		return !this.staleFor.isZero() && this.cacheSize > 0;
	}

	private static Duration positive(String key, Duration value, Duration fallback) {
		if (value == null) {
			return fallback;
		}
		if (value.isNegative() || value.isZero()) {
			throw new IllegalArgumentException(key + ": " + value + " (expected: > 0)");
		}
		return value;
	}

	private static int atLeast(String key, Integer value, int fallback, int min) {
		if (value == null) {
			return fallback;
		}
		if (value < min) {
			throw new IllegalArgumentException(key + ": " + value + " (expected: >= " + min + ")");
		}
		return value;
	}

	/**
	 * Validated admission control settings (see
	 * {@link ProviderDefinition.AdmissionControlDefinition}).
	 *
	 * @param k requests allowed per accepted request
	 * @param window the sliding window (whole seconds)
	 * @param maxRejection the largest share refused
	 */
	public record AdmissionSettings(double k, Duration window, double maxRejection) {

		static AdmissionSettings from(String providerKey, ProviderDefinition.AdmissionControlDefinition a) {
			if (a == null || !Boolean.TRUE.equals(a.enabled())) {
				return null;
			}
			String key = providerKey + ".admission-control";
			double k = (a.k() != null) ? a.k() : 2.0;
			if (!(k >= 1 && k <= 100)) {
				throw new IllegalArgumentException(key + ".k: " + k
						+ " (expected: between 1 and 100; 2 refuses calls once fewer than half succeed)");
			}
			Duration window = (a.window() != null) ? a.window() : Duration.ofSeconds(30);
			if (window.toMillis() % 1000 != 0 || window.toSeconds() < 1 || window.toSeconds() > 300) {
				throw new IllegalArgumentException(
						key + ".window: " + window + " (expected: whole seconds from 1s to 300s, e.g. 30s)");
			}
			double max = (a.maxRejection() != null) ? a.maxRejection() : 0.8;
			if (!(max > 0 && max <= 1)) {
				throw new IllegalArgumentException(
						key + ".max-rejection: " + max + " (expected: > 0 and <= 1, e.g. 0.8 for 80%)");
			}
			return new AdmissionSettings(k, window, max);
		}

	}

	/**
	 * Validated concurrency limit settings (see
	 * {@link ProviderDefinition.ConcurrencyDefinition}).
	 *
	 * @param algorithm {@code gradient2}, {@code vegas} or {@code fixed}
	 * @param initialLimit the limit at start-up
	 * @param minLimit the smallest limit
	 * @param maxLimit the largest limit
	 * @param partitions priority name to guaranteed percentage (sum 100), empty for none
	 * @param retryAfter the {@code Retry-After} of a 503 it causes (whole seconds)
	 * @param warmUp how long after start the limit is {@code initialLimit}, fixed (zero:
	 * no warm-up)
	 * @param sampleWindow the shortest window of latency samples the algorithm reads
	 * @param tolerance gradient2's latency tolerance (its {@code rttTolerance})
	 * @param queueSize gradient2's queue size
	 * @param smoothing gradient2's smoothing
	 */
	public record ConcurrencySettings(String algorithm, int initialLimit, int minLimit, int maxLimit,
			java.util.Map<String, Integer> partitions, Duration retryAfter, Duration warmUp, Duration sampleWindow,
			double tolerance, int queueSize, double smoothing) {

		/** The default warm-up, as the BFF-wide limit's. */
		public static final Duration DEFAULT_WARM_UP = Duration.ofSeconds(30);

		/** The default sample window, as the BFF-wide limit's. */
		public static final Duration DEFAULT_SAMPLE_WINDOW = Duration.ofSeconds(1);

		/** The algorithms offered (all from Netflix concurrency-limits). */
		public static final java.util.List<String> ALGORITHMS = java.util.List.of("gradient2", "vegas", "fixed");

		static ConcurrencySettings from(String providerKey, ProviderDefinition.ConcurrencyDefinition c, int bulkhead) {
			if (c == null || !Boolean.TRUE.equals(c.enabled())) {
				return null;
			}
			String key = providerKey + ".concurrency";
			String algorithm = (c.algorithm() != null) ? c.algorithm().trim().toLowerCase(java.util.Locale.ROOT)
					: "gradient2";
			if (!ALGORITHMS.contains(algorithm)) {
				throw new IllegalArgumentException(key + ".algorithm: " + c.algorithm() + " (expected: one of "
						+ ALGORITHMS + " (Netflix concurrency-limits))");
			}
			int max = atLeast(key + ".max-limit", c.maxLimit(), bulkhead, 1);
			if (max > bulkhead) {
				throw new IllegalArgumentException(
						key + ".max-limit: " + max + " (expected: at most the bulkhead's max-concurrent-calls ("
								+ bulkhead + "); the bulkhead is the hard cap above the limit)");
			}
			int min = atLeast(key + ".min-limit", c.minLimit(), Math.min(4, max), 1);
			if (min > max) {
				throw new IllegalArgumentException(
						key + ".min-limit: " + min + " (expected: at most max-limit (" + max + "))");
			}
			int initial = atLeast(key + ".initial-limit", c.initialLimit(), Math.max(min, Math.min(20, max)), 1);
			if (initial < min || initial > max) {
				throw new IllegalArgumentException(key + ".initial-limit: " + initial
						+ " (expected: between min-limit (" + min + ") and max-limit (" + max + "))");
			}
			java.util.Map<String, Integer> partitions = new java.util.LinkedHashMap<>();
			if (c.partitions() != null && !c.partitions().isEmpty()) {
				int sum = 0;
				for (java.util.Map.Entry<String, Integer> partition : c.partitions().entrySet()) {
					String name = partition.getKey();
					Integer percent = partition.getValue();
					if (name == null || !name.matches("[a-z0-9][a-z0-9_-]{0,31}")) {
						throw new IllegalArgumentException(key + ".partitions: " + name
								+ " (expected: partition names of 1..32 of a-z 0-9 _ -, as in edge.concurrency.partitions)");
					}
					if (percent == null || percent < 0 || percent > 100) {
						throw new IllegalArgumentException(key + ".partitions." + name + ": " + percent
								+ " (expected: a percentage between 0 and 100)");
					}
					sum += percent;
					partitions.put(name, percent);
				}
				if (sum != 100) {
					throw new IllegalArgumentException(key + ".partitions: " + c.partitions()
							+ " (expected: percentages that sum to 100 (they sum to " + sum + "))");
				}
			}
			Duration retryAfter = (c.retryAfter() != null) ? c.retryAfter() : Duration.ofSeconds(1);
			if (retryAfter.compareTo(Duration.ofSeconds(1)) < 0 || retryAfter.compareTo(Duration.ofHours(1)) > 0) {
				throw new IllegalArgumentException(
						key + ".retry-after: " + retryAfter + " (expected: between 1s and 1h)");
			}
			Duration warmUp = (c.warmUp() != null) ? c.warmUp() : DEFAULT_WARM_UP;
			if (warmUp.isNegative() || warmUp.compareTo(Duration.ofHours(1)) > 0) {
				throw new IllegalArgumentException(
						key + ".warm-up: " + warmUp + " (expected: between 0s (none) and 1h)");
			}
			Duration sampleWindow = (c.sampleWindow() != null) ? c.sampleWindow() : DEFAULT_SAMPLE_WINDOW;
			if (sampleWindow.compareTo(Duration.ofMillis(100)) < 0
					|| sampleWindow.compareTo(Duration.ofSeconds(60)) > 0) {
				throw new IllegalArgumentException(key + ".sample-window: " + sampleWindow
						+ " (expected: between 100ms and 60s (1s rides out GC pauses))");
			}
			double tolerance = (c.tolerance() != null) ? c.tolerance() : PartitionedLimiters.DEFAULT_TOLERANCE;
			if (!(tolerance >= 1.0 && tolerance <= 10.0)) {
				throw new IllegalArgumentException(key + ".tolerance: " + tolerance
						+ " (expected: between 1.0 and 10.0: how much slower than its long-term latency the provider"
						+ " may answer before the limit falls)");
			}
			int queueSize = (c.queueSize() != null) ? c.queueSize() : PartitionedLimiters.DEFAULT_QUEUE_SIZE;
			if (queueSize < 1 || queueSize > 1000) {
				throw new IllegalArgumentException(key + ".queue-size: " + queueSize
						+ " (expected: between 1 and 1000 (0 would never let the limit grow))");
			}
			double smoothing = (c.smoothing() != null) ? c.smoothing() : PartitionedLimiters.DEFAULT_SMOOTHING;
			if (!(smoothing > 0 && smoothing <= 1.0)) {
				throw new IllegalArgumentException(key + ".smoothing: " + smoothing
						+ " (expected: above 0 and at most 1.0: the share of each window's estimate the limit takes)");
			}
			return new ConcurrencySettings(algorithm, initial, min, max,
					java.util.Collections.unmodifiableMap(partitions), retryAfter, warmUp, sampleWindow, tolerance,
					queueSize, smoothing);
		}

		/**
		 * The {@code Retry-After} header value: whole seconds, rounded up.
		 * @return e.g. {@code 1}
		 */
		public String retryAfterSeconds() {
			return Long.toString(Math.max(1, (this.retryAfter.toMillis() + 999) / 1000));
		}

	}

	/**
	 * Validated retry budget settings (see
	 * {@link ProviderDefinition.RetryBudgetDefinition}).
	 *
	 * @param ratio retries per call in the window
	 * @param minPerSecond retries per second always allowed
	 * @param window the sliding window (whole seconds)
	 * @param inFlightRatio retries in flight per call in flight
	 * @param minInFlight retries in flight always allowed
	 */
	public record RetryBudgetSettings(double ratio, double minPerSecond, Duration window, double inFlightRatio,
			int minInFlight) {

		/** The defaults: Finagle's rate (20% + 10/s over 10 s), Envoy's cap (20%, 3). */
		public static final RetryBudgetSettings DEFAULTS = new RetryBudgetSettings(0.2, 10, Duration.ofSeconds(10), 0.2,
				3);

		static RetryBudgetSettings from(String providerKey, ProviderDefinition.RetryBudgetDefinition b) {
			if (b == null) {
				return DEFAULTS;
			}
			if (Boolean.FALSE.equals(b.enabled())) {
				return null;
			}
			String key = providerKey + ".retry.budget";
			double ratio = fraction(key + ".ratio", b.ratio(), DEFAULTS.ratio);
			double perSecond = (b.minPerSecond() != null) ? b.minPerSecond() : DEFAULTS.minPerSecond;
			if (!(perSecond >= 0)) {
				throw new IllegalArgumentException(key + ".min-per-second: " + perSecond + " (expected: >= 0)");
			}
			Duration window = (b.window() != null) ? b.window() : DEFAULTS.window;
			if (window.toMillis() % 1000 != 0 || window.toSeconds() < 1 || window.toSeconds() > 60) {
				throw new IllegalArgumentException(
						key + ".window: " + window + " (expected: whole seconds from 1s to 60s, e.g. 10s)");
			}
			double inFlight = fraction(key + ".in-flight-ratio", b.inFlightRatio(), DEFAULTS.inFlightRatio);
			int minInFlight = atLeast(key + ".min-in-flight", b.minInFlight(), DEFAULTS.minInFlight, 0);
			return new RetryBudgetSettings(ratio, perSecond, window, inFlight, minInFlight);
		}

		private static double fraction(String key, Double value, double fallback) {
			double v = (value != null) ? value : fallback;
			if (!(v >= 0 && v <= 1)) {
				throw new IllegalArgumentException(key + ": " + v + " (expected: >= 0 and <= 1, e.g. 0.2 for 20%)");
			}
			return v;
		}

	}

	/**
	 * Validated hedging settings (see {@link ProviderDefinition.HedgeDefinition}).
	 *
	 * @param after the fixed delay before a hedge, or {@code null} when
	 * {@code percentile} is used
	 * @param percentile the latency percentile (e.g. 95.0) that is the delay, or
	 * {@code null} for a fixed delay
	 * @param floor the smallest delay of a percentile
	 * @param maxExtra hedges per call, 1 or 2
	 * @param budget hedges as a fraction of calls, in (0, 1]
	 */
	public record Hedge(Duration after, Double percentile, Duration floor, int maxExtra, double budget) {

		/** The default floor of a percentile delay. */
		public static final Duration DEFAULT_FLOOR = Duration.ofMillis(20);

		/** The default budget. */
		public static final double DEFAULT_BUDGET = 0.05;

		static Hedge from(String providerKey, ProviderDefinition.HedgeDefinition h) {
			if (h == null) {
				return null;
			}
			String key = providerKey + ".hedge";
			if (h.after() == null || h.after().isBlank()) {
				throw new IllegalArgumentException(key + ".after: " + h.after()
						+ " (expected: a delay such as 80ms, or a percentile of recent latency such as p95)");
			}
			String text = h.after().trim();
			Duration after = null;
			Double percentile = null;
			if (text.startsWith("p") || text.startsWith("P") && !text.startsWith("PT")) {
				try {
					percentile = Double.parseDouble(text.substring(1));
				}
				catch (NumberFormatException ex) {
					percentile = Double.NaN;
				}
				if (!(percentile > 0 && percentile < 100)) {
					throw new IllegalArgumentException(
							key + ".after: " + text + " (expected: a percentile p1 to p99.99, e.g. p95)");
				}
			}
			else {
				after = duration(text);
				if (after == null || after.isNegative() || after.isZero()) {
					throw new IllegalArgumentException(key + ".after: " + text
							+ " (expected: a delay > 0 such as 80ms or 1s, or a percentile such as p95)");
				}
			}
			Duration floor = (h.floor() != null) ? h.floor() : DEFAULT_FLOOR;
			if (floor.isNegative()) {
				throw new IllegalArgumentException(key + ".floor: " + floor + " (expected: >= 0)");
			}
			int maxExtra = (h.maxExtra() != null) ? h.maxExtra() : 1;
			if (maxExtra < 1 || maxExtra > 2) {
				throw new IllegalArgumentException(key + ".max-extra: " + maxExtra + " (expected: 1 or 2)");
			}
			double budget = (h.budget() != null) ? h.budget() : DEFAULT_BUDGET;
			if (!(budget > 0 && budget <= 1)) {
				throw new IllegalArgumentException(
						key + ".budget: " + budget + " (expected: a fraction of calls > 0 and <= 1, e.g. 0.05 for 5%)");
			}
			return new Hedge(after, percentile, (percentile != null) ? floor : null, maxExtra, budget);
		}

		/**
		 * {@code 80ms}, {@code 1s}, {@code 500us}, {@code 1m} or ISO-8601; null if not.
		 */
		private static Duration duration(String text) {
			try {
				if (text.startsWith("PT") || text.startsWith("pt")) {
					return Duration.parse(text.toUpperCase(java.util.Locale.ROOT));
				}
				int i = 0;
				while (i < text.length() && Character.isDigit(text.charAt(i))) {
					i++;
				}
				if (i == 0) {
					return null;
				}
				long n = Long.parseLong(text.substring(0, i));
				return switch (text.substring(i).trim()) {
					case "", "ms" -> Duration.ofMillis(n);
					case "us" -> Duration.ofNanos(n * 1000);
					case "s" -> Duration.ofSeconds(n);
					case "m" -> Duration.ofMinutes(n);
					case "h" -> Duration.ofHours(n);
					case "d" -> Duration.ofDays(n);
					default -> null;
				};
			}
			catch (RuntimeException ex) {
				return null;
			}
		}

		/**
		 * The policy as one line for the explain view, e.g.
		 * {@code after p95 (floor PT0.02S), max-extra 1, budget 0.05}.
		 * @return the text
		 */
		public String describe() {
			String delay = (this.after != null) ? this.after.toString()
					: "p" + ((this.percentile == Math.rint(this.percentile))
							? Long.toString(this.percentile.longValue()) : this.percentile.toString()) + " (floor "
							+ this.floor + ")";
			return "after " + delay + ", max-extra " + this.maxExtra + ", budget " + this.budget;
		}

	}

}
