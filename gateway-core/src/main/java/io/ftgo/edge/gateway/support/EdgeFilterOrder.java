package io.ftgo.edge.gateway.support;

/**
 * The order of the edge chain's web filters, one place for all of them: header hygiene →
 * authentication and authorization (Spring Security, {@value #SECURITY}) → rate limit →
 * response cache → route (gateway handler mapping or composed endpoint).
 */
public final class EdgeFilterOrder {

	/** Trace context, access log and limits: before anything else. */
	public static final int HYGIENE = -500;

	/** Spring Security's {@code WebFilterChainProxy} (its default order). */
	public static final int SECURITY = -100;

	/** Rate limiting: needs the principal. */
	public static final int RATE_LIMIT = 100;

	/** The response cache: after the rate limit, so cache hits count too. */
	public static final int RESPONSE_CACHE = 200;

	private EdgeFilterOrder() {
	}

}
