package io.ftgo.edge.gateway.ratelimit;

import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.PathContainer;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilterChain;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

import io.ftgo.edge.gateway.pipeline.EdgeChainLink;
import io.ftgo.edge.gateway.pipeline.EdgeLinkType;
import io.ftgo.edge.gateway.pipeline.PathOverlap;
import io.ftgo.edge.gateway.ratelimit.EdgeRateLimitProperties.FailureMode;
import io.ftgo.edge.gateway.ratelimit.RateLimiter.Decision;
import io.ftgo.edge.gateway.support.ClientAddressResolver;
import io.ftgo.edge.gateway.support.EdgeAttributes;
import io.ftgo.edge.gateway.support.PrincipalResolver;
import io.ftgo.edge.security.EdgePrincipal;
import io.ftgo.edge.security.web.Problems;

/**
 * The rate limit of the edge chain: a {@link WebFilter}, so proxied routes and composed
 * endpoints are limited alike, after security ({@link EdgeLinkType#RATE_LIMIT}).
 * <p>
 * The caller is {@link EdgePrincipal#identityScope()} when authenticated (a partner's
 * token and its API key share one budget; a user is keyed by subject), else its client
 * address ({@link ClientAddressResolver}: {@code X-Forwarded-For} only from trusted
 * proxies). Every limited answer carries the header fields of the current IETF draft
 * (draft-ietf-httpapi-ratelimit-headers):
 * {@code RateLimit-Policy: "<tier>";q=<limit>;w=<window
 * seconds>} and {@code RateLimit: "<tier>";r=<tokens left>;t=<seconds until the bucket is
 * full again>}; the older {@code RateLimit-Limit/-Remaining/-Reset} only with
 * {@code legacy-headers: true}. Beyond the limit the answer is 429 problem+json
 * ({@code rate_limited}) with {@code Retry-After} (seconds until the next token). When
 * the limiter cannot decide, the failure mode applies: open lets the request through
 * (with {@code RateLimit-Policy} only), closed answers 503
 * ({@code rate_limit_unavailable}).
 */
public class RateLimitWebFilter implements EdgeChainLink {

	/** Request-count metric: tags {@code tier} and {@code outcome}. */
	public static final String REQUESTS_METRIC = "edge.ratelimit.requests";

	/** The outcome recorded in {@link EdgeAttributes#RATE_LIMIT_ATTR} and the metric. */
	public enum Outcome {

		/** Within the limit. */
		ALLOWED,
		/** Beyond the limit: 429. */
		LIMITED,
		/** The limiter could not decide; failure mode open: allowed unlimited. */
		FAILED_OPEN,
		/** The limiter could not decide; failure mode closed: 503. */
		FAILED_CLOSED;

		private final String tag = name().toLowerCase(java.util.Locale.ROOT);

		/** The lower-case name used in the attribute and the metric tag. */
		public String tag() {
			return this.tag;
		}

	}

	/**
	 * The current header field of draft-ietf-httpapi-ratelimit-headers: the named policy
	 * with what is left ({@code r}) and the seconds until it resets ({@code t}).
	 */
	static final String RATELIMIT = "RateLimit";

	/** Legacy (older drafts), only with {@code edge.rate-limit.legacy-headers: true}. */
	static final String LIMIT = "RateLimit-Limit";

	static final String REMAINING = "RateLimit-Remaining";

	static final String RESET = "RateLimit-Reset";

	static final String POLICY = "RateLimit-Policy";

	private final RateLimiter limiter;

	private final ClientAddressResolver addresses;

	private final FailureMode failureMode;

	private final List<PathPattern> exclude;

	private final Map<String, Limit> tiers;

	private final Limit defaultTier;

	private final Limit anonymousTier;

	private final boolean legacyHeaders;

	private final List<String> excludedPaths;

	/**
	 * @param properties the validated settings
	 * @param limiter the limiter
	 * @param addresses resolves the client address of anonymous callers
	 * @param meters where outcomes are counted (may be null)
	 */
	public RateLimitWebFilter(EdgeRateLimitProperties properties, RateLimiter limiter, ClientAddressResolver addresses,
			MeterRegistry meters) {
		this.limiter = limiter;
		this.addresses = addresses;
		this.failureMode = properties.redis().mode();
		this.exclude = properties.exclude().stream().map(PathPatternParser.defaultInstance::parse).toList();
		Map<String, Limit> tiers = new HashMap<>();
		properties.tiers()
			.forEach((name, tier) -> tiers.put(name,
					new Limit(new RateLimiter.Tier(name, tier.limit(), tier.windowOrDefault()), meters)));
		this.tiers = Map.copyOf(tiers);
		this.defaultTier = this.tiers.get(EdgeRateLimitProperties.DEFAULT_TIER);
		this.anonymousTier = this.tiers.get(EdgeRateLimitProperties.ANONYMOUS_TIER);
		this.legacyHeaders = properties.legacyHeaders();
		this.excludedPaths = List.copyOf(properties.exclude());
	}

	@Override
	public EdgeLinkType linkType() {
		return EdgeLinkType.RATE_LIMIT;
	}

	@Override
	public Map<String, Object> settings(List<String> pathPatterns) {
		Map<String, Object> settings = new java.util.LinkedHashMap<>();
		settings.put("key", "principal, else client address");
		Map<String, String> tiers = new java.util.TreeMap<>();
		this.tiers.forEach(
				(name, limit) -> tiers.put(name, limit.tier().limit() + " per " + limit.tier().window().toString()));
		settings.put("tiers", tiers);
		settings.put("failure-mode", this.failureMode.name().toLowerCase(java.util.Locale.ROOT));
		settings.put("excluded-paths",
				this.excludedPaths.stream()
					.filter((excluded) -> PathOverlap.mayOverlapAny(pathPatterns, excluded))
					.toList());
		return settings;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		if (isExcluded(exchange)) {
			return chain.filter(exchange);
		}
		EdgePrincipal known = exchange.getAttribute(EdgeAttributes.PRINCIPAL_ATTR);
		if (known != null) {
			// Resolved by an earlier reader: no reactive stage for it.
			return limit(exchange, chain, target(known));
		}
		return PrincipalResolver.resolve(exchange)
			.map(this::target)
			// An authentication the edge did not make (no EdgePrincipal) is limited like
			// an anonymous caller, never a 500.
			.onErrorResume((ex) -> Mono.empty())
			.switchIfEmpty(Mono.fromSupplier(() -> anonymous(exchange)))
			.flatMap((target) -> limit(exchange, chain, target));
	}

	private boolean isExcluded(ServerWebExchange exchange) {
		if (this.exclude.isEmpty()) {
			return false;
		}
		PathContainer path = exchange.getRequest().getPath().pathWithinApplication();
		for (PathPattern pattern : this.exclude) {
			if (pattern.matches(path)) {
				return true;
			}
		}
		return false;
	}

	private Target target(EdgePrincipal principal) {
		Limit tier = this.tiers.get(principal.tier());
		return new Target(principal.identityScope(), (tier != null) ? tier : this.defaultTier);
	}

	private Target anonymous(ServerWebExchange exchange) {
		String address = exchange.getAttribute(EdgeAttributes.CLIENT_ADDRESS_ATTR);
		if (address == null) {
			address = this.addresses.resolve(exchange);
			exchange.getAttributes().put(EdgeAttributes.CLIENT_ADDRESS_ATTR, address);
		}
		return new Target("ip:" + address, this.anonymousTier);
	}

	private Mono<Void> limit(ServerWebExchange exchange, WebFilterChain chain, Target target) {
		Limit tier = target.tier();
		Decision now;
		try {
			now = this.limiter.tryAcquireNow(target.key(), tier.tier());
		}
		catch (RuntimeException ex) {
			return undecided(exchange, chain, tier);
		}
		if (now != null) {
			// An in-memory limiter decides at once: no reactive stage for it.
			return decided(exchange, chain, tier, now);
		}
		return this.limiter.tryAcquire(target.key(), tier.tier())
			// Any failure to decide (RateLimiterUnavailableException or a bug) is the
			// failure mode's business: never a 500, never a hang.
			.map(Optional::of)
			.onErrorReturn(Optional.empty())
			.defaultIfEmpty(Optional.empty())
			.flatMap((decision) -> decision.isPresent() ? decided(exchange, chain, tier, decision.get())
					: undecided(exchange, chain, tier));
	}

	private Mono<Void> decided(ServerWebExchange exchange, WebFilterChain chain, Limit tier, Decision decision) {
		HttpHeaders headers = exchange.getResponse().getHeaders();
		String reset = Long.toString(decision.resetSeconds());
		headers.set(POLICY, tier.policyHeader());
		headers.set(RATELIMIT, tier.policyName() + ";r=" + decision.remaining() + ";t=" + reset);
		if (this.legacyHeaders) {
			headers.set(LIMIT, tier.limitHeader());
			headers.set(REMAINING, Integer.toString(decision.remaining()));
			headers.set(RESET, reset);
		}
		if (decision.allowed()) {
			record(exchange, tier, Outcome.ALLOWED);
			return chain.filter(exchange);
		}
		record(exchange, tier, Outcome.LIMITED);
		headers.set(HttpHeaders.RETRY_AFTER, Long.toString(decision.retryAfterSeconds()));
		return Problems.write(exchange, HttpStatus.TOO_MANY_REQUESTS, tier.limitedDetail(), "rate_limited");
	}

	private Mono<Void> undecided(ServerWebExchange exchange, WebFilterChain chain, Limit tier) {
		if (this.failureMode == FailureMode.OPEN) {
			record(exchange, tier, Outcome.FAILED_OPEN);
			exchange.getResponse().getHeaders().set(POLICY, tier.policyHeader());
			return chain.filter(exchange);
		}
		record(exchange, tier, Outcome.FAILED_CLOSED);
		exchange.getResponse().getHeaders().set(HttpHeaders.RETRY_AFTER, "1");
		return Problems.write(exchange, HttpStatus.SERVICE_UNAVAILABLE,
				"Rate limiting is temporarily unavailable; retry shortly.", "rate_limit_unavailable");
	}

	private static void record(ServerWebExchange exchange, Limit tier, Outcome outcome) {
		exchange.getAttributes().put(EdgeAttributes.RATE_LIMIT_ATTR, outcome.tag());
		Counter counter = tier.counters().get(outcome);
		if (counter != null) {
			counter.increment();
		}
	}

	private record Target(String key, Limit tier) {
	}

	/** A tier with its precomputed header values and counters. */
	private record Limit(RateLimiter.Tier tier, String policyName, String limitHeader, String policyHeader,
			String limitedDetail, Map<Outcome, Counter> counters) {

		Limit(RateLimiter.Tier tier, MeterRegistry meters) {
			// Tier names are [a-z0-9_-]: a valid structured-field string as they are.
			this(tier, "\"" + tier.name() + "\"", Integer.toString(tier.limit()),
					"\"" + tier.name() + "\";q=" + tier.limit() + ";w=" + tier.window().toSeconds(),
					"Too many requests: the limit is " + tier.limit() + " per " + seconds(tier.window())
							+ "; retry after the time given in Retry-After.",
					counters(tier.name(), meters));
		}

		private static String seconds(Duration window) {
			long seconds = window.toSeconds();
			return (seconds == 1) ? "second" : seconds + " seconds";
		}

		private static Map<Outcome, Counter> counters(String tier, MeterRegistry meters) {
			Map<Outcome, Counter> counters = new EnumMap<>(Outcome.class);
			if (meters != null) {
				for (Outcome outcome : Outcome.values()) {
					counters.put(outcome,
							Counter.builder(REQUESTS_METRIC)
								.description("Requests seen by the rate limit, by tier and outcome")
								.tag("tier", tier)
								.tag("outcome", outcome.tag())
								.register(meters));
				}
			}
			return counters;
		}

	}

}
