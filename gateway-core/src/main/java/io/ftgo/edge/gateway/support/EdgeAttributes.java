package io.ftgo.edge.gateway.support;

/** Exchange attributes the edge chain sets, in one place. */
public final class EdgeAttributes {

	/** The resolved client address (String). */
	public static final String CLIENT_ADDRESS_ATTR = "io.ftgo.edge.clientAddress";

	/**
	 * The {@code io.ftgo.edge.security.EdgePrincipal} of the caller, once authenticated.
	 */
	public static final String PRINCIPAL_ATTR = "io.ftgo.edge.principal";

	/**
	 * The caller's {@code org.springframework.security.core.Authentication}, for code
	 * that runs synchronously while the outbound request is written.
	 */
	public static final String AUTHENTICATION_ATTR = "io.ftgo.edge.authentication";

	/** The rate-limit outcome, for the access log (String). */
	public static final String RATE_LIMIT_ATTR = "io.ftgo.edge.rateLimit";

	/** The response-cache outcome: HIT, MISS or BYPASS (String). */
	public static final String CACHE_ATTR = "io.ftgo.edge.cache";

	private EdgeAttributes() {
	}

}
