package io.ftgo.edge.composition;

import java.time.Duration;

/**
 * Stale-while-revalidate for a provider's calls or one part's call ({@code freshness}),
 * in the manner of Varnish grace and RFC 5861. A value younger than {@code refresh-after}
 * is served from the cache without a call. Older, but within the grace, it is served at
 * once (status {@code stale}, reason {@code revalidating}, its age) while exactly one
 * background call per key refreshes it under the provider's protections. Older still, the
 * call is made inline as without this policy. The grace is {@code serve-stale-for} while
 * the provider's circuit breaker is closed, and {@code serve-stale-for-when-open} while
 * it is open or half open. Idempotent calls only: a part-level policy on a non-idempotent
 * call is refused at start-up.
 *
 * <pre>
 * freshness: { refresh-after: 5s, serve-stale-for: 30s, serve-stale-for-when-open: 10m }
 * </pre>
 *
 * @param refreshAfter how long a value is served without a call (the fresh window);
 * required to turn the policy on, greater than zero
 * @param serveStaleFor the grace after {@code refresh-after} while the breaker is closed;
 * default 0s (a plain time-to-live cache)
 * @param serveStaleForWhenOpen the grace while the breaker is open or half open; default
 * {@code serve-stale-for}; at least {@code serve-stale-for}
 */
public record Freshness(Duration refreshAfter, Duration serveStaleFor, Duration serveStaleForWhenOpen) {

	/**
	 * A policy with the same grace whatever the breaker's state.
	 * @param refreshAfter the fresh window
	 * @param serveStaleFor the grace
	 * @return the policy
	 */
	public static Freshness of(Duration refreshAfter, Duration serveStaleFor) {
		return new Freshness(refreshAfter, serveStaleFor, null);
	}

	/**
	 * This part-level policy over a provider-level one: each component given here wins.
	 * @param provider the provider's policy, or {@code null}
	 * @return the merged policy
	 */
	public Freshness over(Freshness provider) {
		if (provider == null) {
			return this;
		}
		return new Freshness((this.refreshAfter != null) ? this.refreshAfter : provider.refreshAfter,
				(this.serveStaleFor != null) ? this.serveStaleFor : provider.serveStaleFor,
				(this.serveStaleForWhenOpen != null) ? this.serveStaleForWhenOpen : provider.serveStaleForWhenOpen);
	}

}
