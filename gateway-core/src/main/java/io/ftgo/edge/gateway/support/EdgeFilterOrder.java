package io.ftgo.edge.gateway.support;

import io.ftgo.edge.gateway.pipeline.EdgeLinkType;

/**
 * The order of the edge chain's web filters, as named constants: the values come from the
 * pipeline's definition, {@link EdgeLinkType}, which holds every link in order: access
 * log → request context (trace context, client address) → request limits → reserved
 * headers → (concurrency limit) → (browser sessions) → authentication and authorization
 * (Spring Security, {@value #SECURITY}) → rate limit → response cache → route (gateway
 * handler mapping or composed endpoint).
 */
public final class EdgeFilterOrder {

	/**
	 * The access log ({@code AccessLogWebFilter}): outermost, so every answer is logged,
	 * rejections by later filters included.
	 */
	public static final int ACCESS_LOG = EdgeLinkType.ACCESS_LOG.order();

	/**
	 * Trace context and client address ({@code RequestContextWebFilter}): before anything
	 * that logs, rate-limits or calls a provider.
	 */
	public static final int REQUEST_CONTEXT = EdgeLinkType.REQUEST_CONTEXT.order();

	/** URI, header and body limits ({@code RequestLimitsWebFilter}): 414, 431, 413. */
	public static final int LIMITS = EdgeLinkType.LIMITS.order();

	/**
	 * Removal of the reserved identity namespace from requests and of
	 * provider-identifying headers from answers ({@code ReservedHeadersWebFilter}). The
	 * last of the hygiene filters: filters that must see clean requests order after it.
	 */
	public static final int HYGIENE = EdgeLinkType.RESERVED_HEADERS.order();

	/**
	 * The adaptive concurrency limit and priority shedding
	 * ({@code ConcurrencyLimitWebFilter}, only with {@code edge.concurrency.enabled}):
	 * after the hygiene filters, before sessions, authentication and anything that calls
	 * a provider, so a shed request costs the least and reaches nothing.
	 */
	public static final int SHEDDING = EdgeLinkType.SHEDDING.order();

	/** Spring Security's {@code WebFilterChainProxy} (its default order). */
	public static final int SECURITY = EdgeLinkType.SECURITY.order();

	/** Rate limiting: needs the principal. */
	public static final int RATE_LIMIT = EdgeLinkType.RATE_LIMIT.order();

	/** The response cache: after the rate limit, so cache hits count too. */
	public static final int RESPONSE_CACHE = EdgeLinkType.RESPONSE_CACHE.order();

	private EdgeFilterOrder() {
	}

}
