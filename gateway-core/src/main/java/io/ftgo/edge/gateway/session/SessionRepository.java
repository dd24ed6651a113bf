package io.ftgo.edge.gateway.session;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.security.oauth2.jwt.Jwt;

/**
 * Sessions and pending logins in the {@link SessionStore}: their keys, their JSON, their
 * lifetimes. Keys are hashes of the cookie or state values ({@code session:<hash>},
 * {@code login:<hash>}, {@code sid:<identity provider
 * session>}), so a dump of the store does not reveal a cookie.
 */
final class SessionRepository {

	private static final Duration LOGIN_TIMEOUT = Duration.ofMinutes(10);

	private final SessionStore store;

	private final EdgeSessionProperties properties;

	private final Clock clock;

	private final RandomTokens tokens;

	private final JsonMapper json;

	SessionRepository(SessionStore store, EdgeSessionProperties properties, Clock clock, RandomTokens tokens,
			JsonMapper json) {
		this.store = store;
		this.properties = properties;
		this.clock = clock;
		this.tokens = tokens;
		this.json = json;
	}

	/** How long a started login may take. */
	Duration loginTimeout() {
		return LOGIN_TIMEOUT;
	}

	/** Keeps a pending login (PKCE verifier, nonce, where to return) under its state. */
	Mono<Void> putLogin(String state, Map<String, String> pending) {
		return this.store.put("login:" + RandomTokens.s256(state), this.json.writeValueAsString(pending),
				LOGIN_TIMEOUT);
	}

	/**
	 * The pending login of {@code state}, at most once; empty when unknown or expired.
	 */
	@SuppressWarnings("unchecked")
	Mono<Map<String, String>> takeLogin(String state) {
		return this.store.take("login:" + RandomTokens.s256(state))
			.map((text) -> (Map<String, String>) this.json.readValue(text, Map.class));
	}

	/** The stored session of a cookie value, as stored (no expiry check). */
	Mono<BrowserSession> get(String id) {
		return this.store.get(key(id)).map(this::read);
	}

	/** Removes and answers the session of a cookie value. */
	Mono<BrowserSession> take(String id) {
		return this.store.take(key(id)).map(this::read);
	}

	Mono<Void> delete(String id) {
		return this.store.delete(key(id));
	}

	/** Stores a session until its expiry. */
	Mono<Void> save(String id, BrowserSession session) {
		Duration ttl = Duration.ofSeconds(Math.max(1, session.expiresAt() - this.clock.instant().getEpochSecond()));
		return this.store.put(key(id), this.json.writeValueAsString(session), ttl);
	}

	/**
	 * A new session for a signed-in user, under a new id (an old session cookie never
	 * survives a login: {@code previousId}'s session is deleted), indexed by the identity
	 * provider's {@code sid} for back-channel logout.
	 * @return the new session id (the cookie value)
	 */
	Mono<String> create(String previousId, Jwt idToken, OidcClient.Tokens tokens) {
		Instant now = this.clock.instant();
		String id = this.tokens.next();
		Object consumerId = idToken.getClaims().get("consumer_id");
		BrowserSession session = new BrowserSession(idToken.getSubject(),
				idToken.getClaimAsString("preferred_username"), (consumerId != null) ? consumerId.toString() : null,
				idToken.getClaimAsString("sid"), tokens.accessToken(), tokens.accessTokenExpiresAt().getEpochSecond(),
				tokens.refreshToken(), tokens.idToken(), now.getEpochSecond(),
				expiry(now, now.getEpochSecond()).getEpochSecond());
		Mono<Void> forgetPrevious = (previousId != null) ? delete(previousId) : Mono.empty();
		Mono<Void> index = (session.sid() != null)
				? this.store.addToSet("sid:" + session.sid(), RandomTokens.s256(id), this.properties.maxLifetime())
				: Mono.empty();
		return forgetPrevious.then(save(id, session)).then(index).thenReturn(id);
	}

	/** Ends every session of an identity provider session; answers how many. */
	Mono<Integer> endAllOf(String sid) {
		return this.store.takeSet("sid:" + sid)
			.flatMap((keys) -> Flux.fromIterable(keys)
				.concatMap((hashed) -> this.store.delete("session:" + hashed))
				.then(Mono.just(keys.size())));
	}

	/**
	 * When a session used {@code now} expires: after the idle timeout, never later than
	 * its maximum lifetime from {@code createdAt}.
	 */
	Instant expiry(Instant now, long createdAt) {
		Instant idle = now.plus(this.properties.idleTimeout());
		Instant absolute = Instant.ofEpochSecond(createdAt).plus(this.properties.maxLifetime());
		return idle.isBefore(absolute) ? idle : absolute;
	}

	private BrowserSession read(String text) {
		return this.json.readValue(text, BrowserSession.class);
	}

	private static String key(String id) {
		return "session:" + RandomTokens.s256(id);
	}

}
