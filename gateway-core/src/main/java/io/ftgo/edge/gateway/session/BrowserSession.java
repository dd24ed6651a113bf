package io.ftgo.edge.gateway.session;

/**
 * One browser's session, kept server-side only (the browser holds a random id in an
 * HttpOnly cookie). Times are epoch seconds.
 *
 * @param subject the user's subject at the identity provider
 * @param username the user's name, for the UI
 * @param consumerId the FTGO consumer id, for the UI
 * @param sid the identity provider's session id (back-channel logout names it)
 * @param accessToken the access token relayed to providers
 * @param accessTokenExpiresAt when it expires
 * @param refreshToken renews the access token; revoked at logout
 * @param idToken the latest ID token, sent back as {@code id_token_hint} when the browser
 * ends the identity provider's session (some providers, e.g. Spring Authorization Server,
 * require it); null when the provider sent none
 * @param createdAt login time (bounds the session's lifetime)
 * @param expiresAt when the session ends unless used again
 */
public record BrowserSession(String subject, String username, String consumerId, String sid, String accessToken,
		long accessTokenExpiresAt, String refreshToken, String idToken, long createdAt, long expiresAt) {

	BrowserSession withExpiry(long expiresAt) {
		return new BrowserSession(this.subject, this.username, this.consumerId, this.sid, this.accessToken,
				this.accessTokenExpiresAt, this.refreshToken, this.idToken, this.createdAt, expiresAt);
	}

	/** Renewed tokens; a null {@code idToken} keeps the current one. */
	BrowserSession withTokens(String accessToken, long accessTokenExpiresAt, String refreshToken, String idToken,
			long expiresAt) {
		return new BrowserSession(this.subject, this.username, this.consumerId, this.sid, accessToken,
				accessTokenExpiresAt, refreshToken, (idToken != null) ? idToken : this.idToken, this.createdAt,
				expiresAt);
	}

	@Override
	public String toString() {
		// Never the tokens: a session may end up in a log line.
		return "BrowserSession[subject=" + this.subject + ", sid=" + this.sid + ", expiresAt=" + this.expiresAt + "]";
	}

}
