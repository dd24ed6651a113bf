package io.ftgo.edge.gateway.session;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Unguessable values (session ids, login state, nonce, PKCE verifier) and their SHA-256
 * digests (PKCE challenges, store keys).
 */
final class RandomTokens {

	private final SecureRandom random;

	RandomTokens() {
		try {
			// A DRBG seeded once here, on the starting thread: later draws are pure
			// computation and never read the entropy device on an event loop.
			this.random = SecureRandom.getInstance("DRBG");
			this.random.nextBytes(new byte[32]);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** 256 random bits, base64url without padding. */
	String next() {
		byte[] bytes = new byte[32];
		this.random.nextBytes(bytes);
		return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
	}

	/** SHA-256 of an ASCII value, base64url without padding. */
	static String s256(String value) {
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.US_ASCII));
			return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
