package io.ftgo.edge.gateway.cache;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The directives of a provider's {@code Cache-Control} answer header that the edge cache
 * obeys (RFC 9111, RFC 5861). Unknown directives are ignored. A malformed or negative
 * {@code max-age}/{@code s-maxage} counts as zero (stale at once, RFC 9111 4.2.1); a
 * repeated one keeps its smallest value. {@code must-revalidate} and
 * {@code proxy-revalidate} forbid serving stale answers, so they cancel
 * {@code stale-while-revalidate} and {@code stale-if-error}.
 *
 * @param noStore {@code no-store}, {@code no-cache} or {@code private}: not stored
 * @param maxAge {@code s-maxage} if present (the edge is a shared cache), else
 * {@code max-age}; {@code null} when neither
 * @param staleWhileRevalidate {@code stale-while-revalidate}, or zero
 * @param staleIfError {@code stale-if-error}, or zero
 */
record CacheControl(boolean noStore, Duration maxAge, Duration staleWhileRevalidate, Duration staleIfError) {

	/** Longest lifetime taken from a header: one day. */
	static final Duration MAX = Duration.ofDays(1);

	static CacheControl parse(List<String> values) {
		boolean noStore = false;
		Duration maxAge = null;
		Duration sMaxAge = null;
		Duration swr = Duration.ZERO;
		Duration sie = Duration.ZERO;
		boolean mustRevalidate = false;
		for (String value : values) {
			for (String directive : value.split(",")) {
				String d = directive.trim().toLowerCase(Locale.ROOT);
				int eq = d.indexOf('=');
				String name = (eq < 0) ? d : d.substring(0, eq).trim();
				Duration seconds = (eq < 0) ? null : seconds(d.substring(eq + 1));
				switch (name) {
					case "no-store", "no-cache", "private" -> noStore = true;
					case "must-revalidate", "proxy-revalidate" -> mustRevalidate = true;
					case "max-age" -> maxAge = smaller(maxAge, (seconds != null) ? seconds : Duration.ZERO);
					case "s-maxage" -> sMaxAge = smaller(sMaxAge, (seconds != null) ? seconds : Duration.ZERO);
					case "stale-while-revalidate" -> swr = (seconds != null) ? seconds : swr;
					case "stale-if-error" -> sie = (seconds != null) ? seconds : sie;
					default -> {
					}
				}
			}
		}
		if (mustRevalidate) {
			swr = Duration.ZERO;
			sie = Duration.ZERO;
		}
		return new CacheControl(noStore, (sMaxAge != null) ? sMaxAge : maxAge, swr, sie);
	}

	private static Duration smaller(Duration current, Duration next) {
		return (current == null || next.compareTo(current) < 0) ? next : current;
	}

	private static Duration seconds(String text) {
		String t = text.trim();
		if (t.length() >= 2 && t.startsWith("\"") && t.endsWith("\"")) {
			t = t.substring(1, t.length() - 1);
		}
		if (t.isEmpty() || t.length() > 10 || !t.chars().allMatch((c) -> c >= '0' && c <= '9')) {
			return null;
		}
		Duration d = Duration.ofSeconds(Long.parseLong(t));
		return (d.compareTo(MAX) > 0) ? MAX : d;
	}

}
