package io.ftgo.edge.gateway.cache;

import java.time.Duration;
import java.util.Locale;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpResponse;

/**
 * A cached answer.
 *
 * @param status the status (200)
 * @param headers the headers to replay
 * @param body the body
 * @param etag the strong entity tag
 * @param storedAtNanos when it was stored (clock time)
 * @param initialAgeSeconds the provider's own {@code Age} when stored
 * @param freshNanos how long it is fresh
 * @param staleWhileRevalidateNanos how long after that it is served while revalidated
 * @param staleIfErrorNanos how long after fresh it is served when upstream fails
 */
record CacheEntry(HttpStatus status, HttpHeaders headers, byte[] body, String etag, long storedAtNanos,
		long initialAgeSeconds, long freshNanos, long staleWhileRevalidateNanos, long staleIfErrorNanos) {

	/**
	 * How long the entry is kept: fresh, then stale as long as either extension allows.
	 */
	long keepNanos() {
		return this.freshNanos + Math.max(this.staleWhileRevalidateNanos, this.staleIfErrorNanos);
	}

	/**
	 * The entry an answer makes, or null when it may not be stored: not 200,
	 * {@code Set-Cookie}, {@code no-store} (or {@code no-cache}, {@code private}), or no
	 * lifetime at all.
	 * @param response the answer (status and headers)
	 * @param body its body
	 * @param rule the rule that matched
	 * @param now the cache clock's time
	 */
	static CacheEntry of(ServerHttpResponse response, byte[] body, EdgeCacheProperties.Rule rule, long now) {
		HttpHeaders headers = response.getHeaders();
		if (response.getStatusCode() == null || response.getStatusCode().value() != 200
				|| headers.containsHeader(HttpHeaders.SET_COOKIE)) {
			return null;
		}
		CacheControl control = CacheControl.parse(headers.getOrEmpty(HttpHeaders.CACHE_CONTROL));
		if (control.noStore()) {
			return null;
		}
		// The rule's ttl is the ceiling of what is left of the provider's max-age (its
		// max-age less the Age it already has, RFC 9111 4.2), and the lifetime when the
		// provider gives none.
		long initialAge = initialAge(headers);
		Duration fresh = rule.ttl();
		if (control.maxAge() != null) {
			Duration left = control.maxAge().minusSeconds(Math.min(initialAge, CacheControl.MAX.toSeconds()));
			left = left.isNegative() ? Duration.ZERO : left;
			fresh = (left.compareTo(fresh) < 0) ? left : fresh;
		}
		if (fresh.isZero() && control.staleWhileRevalidate().isZero() && control.staleIfError().isZero()) {
			return null;
		}
		HttpHeaders stored = new HttpHeaders();
		headers.headerSet().forEach((header) -> {
			String name = header.getKey().toLowerCase(Locale.ROOT);
			if (!name.equals("transfer-encoding") && !name.equals("connection") && !name.equals("date")
					&& !name.equals("content-length") && !name.startsWith("ratelimit") && !name.equals("x-cache")
					&& !name.equals("age")) {
				stored.addAll(header.getKey(), header.getValue());
			}
		});
		String etag = (headers.getETag() != null) ? headers.getETag() : Etags.of(body);
		stored.setETag(etag);
		return new CacheEntry(HttpStatus.OK, HttpHeaders.readOnlyHttpHeaders(stored), body, etag, now, initialAge,
				fresh.toNanos(), control.staleWhileRevalidate().toNanos(), control.staleIfError().toNanos());
	}

	private static long initialAge(HttpHeaders headers) {
		String age = headers.getFirst("Age");
		if (age == null || age.isEmpty() || age.length() > 10 || !age.chars().allMatch(Character::isDigit)) {
			return 0;
		}
		return Long.parseLong(age);
	}

}
