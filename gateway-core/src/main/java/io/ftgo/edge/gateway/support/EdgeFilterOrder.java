package io.ftgo.edge.gateway.support;

/**
 * The order of the edge chain's web filters, one place for all of them, one job each:
 * access log → request context (trace context, client address) → request limits →
 * reserved headers → (concurrency limit) → (browser sessions) → authentication and
 * authorization (Spring Security, {@value #SECURITY}) → rate limit → response cache →
 * route (gateway handler mapping or composed endpoint).
 */
public final class EdgeFilterOrder {

	/**
	 * The access log ({@code AccessLogWebFilter}): outermost, so every answer is logged,
	 * rejections by later filters included.
	 */
	public static final int ACCESS_LOG = -600;

	/**
	 * Trace context and client address ({@code RequestContextWebFilter}): before anything
	 * that logs, rate-limits or calls a provider.
	 */
	public static final int REQUEST_CONTEXT = -550;

	/** URI, header and body limits ({@code RequestLimitsWebFilter}): 414, 431, 413. */
	public static final int LIMITS = -525;

	/**
	 * Removal of the reserved identity namespace from requests and of
	 * provider-identifying headers from answers ({@code ReservedHeadersWebFilter}). The
	 * last of the hygiene filters: filters that must see clean requests order after it.
	 */
	public static final int HYGIENE = -500;

	/**
	 * The adaptive concurrency limit and priority shedding
	 * ({@code ConcurrencyLimitWebFilter}, only with {@code edge.concurrency.enabled}):
	 * after the hygiene filters, before sessions, authentication and anything that calls
	 * a provider, so a shed request costs the least and reaches nothing.
	 */
	public static final int SHEDDING = -475;

	/** Spring Security's {@code WebFilterChainProxy} (its default order). */
	public static final int SECURITY = -100;

	/** Rate limiting: needs the principal. */
	public static final int RATE_LIMIT = 100;

	/** The response cache: after the rate limit, so cache hits count too. */
	public static final int RESPONSE_CACHE = 200;

	private EdgeFilterOrder() {
	}

}
