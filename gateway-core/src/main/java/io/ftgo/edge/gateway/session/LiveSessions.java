package io.ftgo.edge.gateway.session;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Mono;

/**
 * The live session behind a cookie, ready to relay: expired sessions are dropped, an
 * access token that expires soon is refreshed at the identity provider (once per session
 * at a time), and the idle expiry is extended as the session is used.
 */
final class LiveSessions {

	private static final Log logger = LogFactory.getLog(BrowserSessionWebFilter.class);

	private final SessionRepository repository;

	private final OidcClient oidc;

	private final EdgeSessionProperties properties;

	private final Clock clock;

	private final Map<String, Mono<BrowserSession>> refreshing = new ConcurrentHashMap<>();

	LiveSessions(SessionRepository repository, OidcClient oidc, EdgeSessionProperties properties, Clock clock) {
		this.repository = repository;
		this.oidc = oidc;
		this.properties = properties;
		this.clock = clock;
	}

	/** A session lookup: the session if there is one, or the store's failure. */
	record Lookup(Optional<BrowserSession> session, Throwable failure) {
	}

	/**
	 * {@link #session(String)}, with a store failure (Redis down) kept apart from "no
	 * session": the caller answers 503, not 401, and the browser keeps its cookie.
	 */
	Mono<Lookup> lookup(String id) {
		return session(id).map((found) -> new Lookup(Optional.of(found), null))
			.defaultIfEmpty(new Lookup(Optional.empty(), null))
			.onErrorResume((ex) -> Mono.just(new Lookup(Optional.empty(), ex)));
	}

	/**
	 * The live session of a cookie, its access token refreshed when it expires soon and
	 * its idle expiry extended; empty when there is none (unknown, expired, or the
	 * refresh was refused).
	 */
	private Mono<BrowserSession> session(String id) {
		return this.repository.get(id).flatMap((session) -> {
			Instant now = this.clock.instant();
			if (now.getEpochSecond() >= session.expiresAt()) {
				return this.repository.delete(id).then(Mono.empty());
			}
			if (session.accessTokenExpiresAt() - now.getEpochSecond() <= this.properties.refreshBefore().toSeconds()) {
				return refreshed(id, session);
			}
			Instant extended = this.repository.expiry(now, session.createdAt());
			if (extended.getEpochSecond() - session.expiresAt() >= 60) {
				BrowserSession touched = session.withExpiry(extended.getEpochSecond());
				return this.repository.save(id, touched).thenReturn(touched);
			}
			return Mono.just(session);
		});
	}

	/** One refresh per session at a time: concurrent requests share its outcome. */
	private Mono<BrowserSession> refreshed(String id, BrowserSession session) {
		return this.refreshing
			.computeIfAbsent(id, (key) -> this.oidc.refresh(session.refreshToken()).flatMap((tokens) -> {
				Instant now = this.clock.instant();
				BrowserSession renewed = session.withTokens(tokens.accessToken(),
						tokens.accessTokenExpiresAt().getEpochSecond(), tokens.refreshToken(), tokens.idToken(),
						this.repository.expiry(now, session.createdAt()).getEpochSecond());
				return this.repository.save(id, renewed).thenReturn(renewed);
			})
				.onErrorResume(OidcClient.RefusedException.class, (ex) -> this.repository.delete(id).then(Mono.empty()))
				.doFinally((signal) -> this.refreshing.remove(id))
				.cache())
			.onErrorResume((ex) -> {
				logger.warn("Access token refresh failed: " + ex.getMessage());
				return Mono.empty();
			});
	}

}
