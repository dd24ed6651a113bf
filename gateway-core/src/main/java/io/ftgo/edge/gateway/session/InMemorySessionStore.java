package io.ftgo.edge.gateway.session;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import reactor.core.publisher.Mono;

/**
 * Sessions in this process's memory (Caffeine, each entry with its own expiry): the
 * default; sessions are lost on restart and not shared by replicas.
 */
final class InMemorySessionStore implements SessionStore {

	private record Entry(Object value, long ttlNanos) {
	}

	private final Cache<String, Entry> entries;

	/**
	 * One-time login states apart, with their own bound: a flood of started sign-ins
	 * cannot evict live sessions.
	 */
	private final Cache<String, Entry> logins;

	InMemorySessionStore(long maxEntries) {
		this.entries = cache(maxEntries);
		this.logins = cache(Math.max(1000, maxEntries / 10));
	}

	private Cache<String, Entry> cache(String key) {
		return key.startsWith("login:") ? this.logins : this.entries;
	}

	private static Cache<String, Entry> cache(long maxEntries) {
		return Caffeine.newBuilder().maximumSize(maxEntries).expireAfter(new Expiry<String, Entry>() {

			@Override
			public long expireAfterCreate(String key, Entry entry, long currentTime) {
				return entry.ttlNanos();
			}

			@Override
			public long expireAfterUpdate(String key, Entry entry, long currentTime, long currentDuration) {
				return entry.ttlNanos();
			}

			@Override
			public long expireAfterRead(String key, Entry entry, long currentTime, long currentDuration) {
				return currentDuration;
			}

		}).build();
	}

	@Override
	public Mono<String> get(String key) {
		return Mono.fromSupplier(() -> {
			Entry entry = cache(key).getIfPresent(key);
			return (entry != null && entry.value() instanceof String text) ? text : null;
		});
	}

	@Override
	public Mono<Void> put(String key, String value, Duration ttl) {
		return Mono.fromRunnable(() -> cache(key).put(key, new Entry(value, ttl.toNanos())));
	}

	@Override
	public Mono<String> take(String key) {
		return Mono.fromSupplier(() -> {
			Entry entry = cache(key).asMap().remove(key);
			return (entry != null && entry.value() instanceof String text) ? text : null;
		});
	}

	@Override
	public Mono<Void> delete(String key) {
		return Mono.fromRunnable(() -> cache(key).invalidate(key));
	}

	@Override
	public Mono<Void> addToSet(String key, String member, Duration ttl) {
		return Mono.fromRunnable(() -> cache(key).asMap().compute(key, (k, existing) -> {
			Set<String> members = ConcurrentHashMap.newKeySet();
			if (existing != null && existing.value() instanceof Set<?> previous) {
				previous.forEach((m) -> members.add((String) m));
			}
			members.add(member);
			return new Entry(members, ttl.toNanos());
		}));
	}

	@Override
	public Mono<List<String>> takeSet(String key) {
		return Mono.fromSupplier(() -> {
			Entry entry = cache(key).asMap().remove(key);
			return (entry != null && entry.value() instanceof Set<?> members)
					? members.stream().map(String::valueOf).toList() : List.<String>of();
		});
	}

}
