package io.ftgo.edge.gateway.pipeline;

/**
 * The definition of the edge pipeline: every link it can hold, in the order they run.
 * Each route's pipeline ({@link EdgePipeline}) holds the links of this list that its
 * settings need, in this order; {@code gateway-core/README.md}'s chain table lists the
 * same links and orders (checked by a test). The order numbers are the links'
 * {@code Ordered} values, so a link that runs as a plain web filter (the management port)
 * keeps its place too.
 */
public enum EdgeLinkType {

	/** One JSON access-log line per request ({@code AccessLogWebFilter}): outermost. */
	ACCESS_LOG("access-log", -600),

	/**
	 * Trace context and client address ({@code RequestContextWebFilter}): before anything
	 * that logs, rate-limits or calls a provider.
	 */
	REQUEST_CONTEXT("request-context", -550),

	/** URI, header and body limits ({@code RequestLimitsWebFilter}): 414, 431, 413. */
	LIMITS("limits", -525),

	/**
	 * Removal of the reserved identity namespace from requests and of
	 * provider-identifying headers from answers ({@code ReservedHeadersWebFilter}). The
	 * last of the hygiene links: links that must see clean requests come after it.
	 */
	RESERVED_HEADERS("reserved-headers", -500),

	/**
	 * API versions (bff-public's {@code ApiVersionWebFilter}): v1 by media type served by
	 * v2, deprecation headers; before authentication, so rules, the cache and the route
	 * see the version that answers.
	 */
	API_VERSION("api-version", -499),

	/**
	 * The adaptive concurrency limit and priority shedding
	 * ({@code ConcurrencyLimitWebFilter}, only with {@code edge.concurrency.enabled}):
	 * before sessions, authentication and anything that calls a provider.
	 */
	SHEDDING("shedding", -475),

	/**
	 * Browser sessions ({@code BrowserSessionWebFilter}, only with
	 * {@code edge.session.enabled}): the session cookie becomes the bearer token;
	 * cross-site and anti-forgery checks; the page's security headers.
	 */
	SESSION("session", -450),

	/**
	 * The failed-authentication limit ({@code AuthFailureLimitWebFilter}): an address
	 * that failed authentication too often is refused before authentication runs.
	 */
	AUTH_FAILURE_LIMIT("auth-failure-limit", -110),

	/**
	 * Authentication and authorization: Spring Security's filter chain proxy (bearer JWT,
	 * partner API key, scope rules per path, security headers), at its default order.
	 */
	SECURITY("security", -100),

	/** The rate limit ({@code RateLimitWebFilter}): needs the principal. */
	RATE_LIMIT("rate-limit", 100),

	/**
	 * The {@code /bff/*} session endpoints ({@code BrowserSessionEndpoints}): after the
	 * rate limit, so sign-in attempts are limited like any anonymous request.
	 */
	SESSION_ENDPOINTS("session-endpoints", 150),

	/** The response cache ({@code ResponseCacheWebFilter}): after the rate limit. */
	RESPONSE_CACHE("response-cache", 200),

	/**
	 * The route: the rest of the web filter chain and the handler (composed endpoint,
	 * GraphQL or proxied route).
	 */
	ROUTE("route", Integer.MAX_VALUE);

	private final String id;

	private final int order;

	EdgeLinkType(String id, int order) {
		this.id = id;
		this.order = order;
	}

	/** The link's name, as the actuator and the README show it. */
	public String id() {
		return this.id;
	}

	/** Its place: the {@code Ordered} value of the web filter that implements it. */
	public int order() {
		return this.order;
	}

}
