package io.ftgo.edge.gateway.cache;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;

/** Strong entity tags from body bytes, and {@code If-None-Match} matching (RFC 9110). */
public final class Etags {

	private Etags() {
	}

	/** A strong ETag of {@code body}: a quoted, truncated SHA-256. */
	public static String of(byte[] body) {
		return of(body, null);
	}

	/**
	 * The ETag of {@code body} followed by {@code more}, without joining them: the same
	 * tag as {@link #of(byte[])} of both together.
	 * @param body the first bytes
	 * @param more the bytes after them (may be null)
	 */
	public static String of(byte[] body, byte[] more) {
		try {
			MessageDigest sha = MessageDigest.getInstance("SHA-256");
			sha.update(body);
			if (more != null) {
				sha.update(more);
			}
			byte[] digest = sha.digest();
			return "\"" + Base64.getUrlEncoder().withoutPadding().encodeToString(digest).substring(0, 27) + "\"";
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is required by every JVM", ex);
		}
	}

	/**
	 * Whether the request's {@code If-None-Match} matches {@code etag} (weak comparison).
	 */
	public static boolean notModified(ServerHttpRequest request, String etag) {
		String header = request.getHeaders().getFirst(HttpHeaders.IF_NONE_MATCH);
		if (header == null || etag == null) {
			return false;
		}
		String bare = strip(etag);
		for (String candidate : header.split(",")) {
			String trimmed = candidate.trim();
			if (trimmed.equals("*") || strip(trimmed).equals(bare)) {
				return true;
			}
		}
		return false;
	}

	private static String strip(String etag) {
		return etag.startsWith("W/") ? etag.substring(2) : etag;
	}

}
