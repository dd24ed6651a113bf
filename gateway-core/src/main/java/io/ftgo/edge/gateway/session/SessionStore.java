package io.ftgo.edge.gateway.session;

import java.time.Duration;
import java.util.List;

import reactor.core.publisher.Mono;

/**
 * Where browser sessions live: text values with a time to live, plus sets that index
 * sessions by identity-provider session ({@code sid}) for back-channel logout. In memory
 * by default ({@link InMemorySessionStore}); in Redis when replicas must share sessions
 * ({@link RedisSessionStore}).
 */
interface SessionStore {

	Mono<String> get(String key);

	Mono<Void> put(String key, String value, Duration ttl);

	/** Reads and deletes at once: a one-time value (a login state). */
	Mono<String> take(String key);

	Mono<Void> delete(String key);

	/** Adds a member to a set that expires after {@code ttl} (extended by each add). */
	Mono<Void> addToSet(String key, String member, Duration ttl);

	/** The members of a set (empty when there is none), and the set removed. */
	Mono<List<String>> takeSet(String key);

}
