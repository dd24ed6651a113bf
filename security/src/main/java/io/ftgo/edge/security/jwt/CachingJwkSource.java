package io.ftgo.edge.security.jwt;

import java.net.URI;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jwt.SignedJWT;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.web.reactive.function.client.WebClient;

/**
 * The identity provider's key set, fetched without blocking and cached.
 * <p>
 * Design: one immutable snapshot (keys, when fetched, when last tried). A token whose
 * {@code kid} is in the snapshot is verified without any fetch. A fetch happens when
 * there are no keys yet, when the snapshot is older than {@code maxAge}, or when a
 * {@code kid} is unknown, and in every case at most once per {@code refreshFloor}: a
 * flood of tokens with made-up {@code kid}s costs at most one fetch per interval.
 * Concurrent fetches are collapsed into one. A failed fetch keeps the previous keys, so
 * valid tokens keep passing while the identity provider is down. An empty answer never
 * raises an error: the token simply finds no key and is rejected as invalid (401), never
 * 500.
 */
public final class CachingJwkSource implements Function<SignedJWT, Flux<JWK>> {

	private static final Log logger = LogFactory.getLog(CachingJwkSource.class);

	private final WebClient webClient;

	private final Mono<URI> jwkSetUri;

	private final Duration refreshFloor;

	private final Duration maxAge;

	private final Duration timeout;

	private final Clock clock;

	/** The floor between fetches while no key was ever obtained. */
	static final Duration NO_KEYS_RETRY_FLOOR = Duration.ofSeconds(1);

	private final AtomicReference<Snapshot> snapshot = new AtomicReference<>(Snapshot.EMPTY);

	private final AtomicReference<Mono<Snapshot>> inFlight = new AtomicReference<>();

	private record Snapshot(List<JWK> keys, Instant fetchedAt, Instant attemptedAt) {

		static final Snapshot EMPTY = new Snapshot(List.of(), Instant.MIN, Instant.MIN);

		List<JWK> select(String kid) {
			if (kid == null) {
				return this.keys;
			}
			return this.keys.stream().filter((key) -> kid.equals(key.getKeyID())).toList();
		}

	}

	/**
	 * @param webClient the client for key-set fetches
	 * @param jwkSetUri where the key set is (may itself be discovered lazily)
	 * @param refreshFloor minimum interval between two fetches
	 * @param maxAge age after which keys are re-fetched (and kept if that fails)
	 * @param timeout timeout of one fetch
	 * @param clock the time source
	 */
	public CachingJwkSource(WebClient webClient, Mono<URI> jwkSetUri, Duration refreshFloor, Duration maxAge,
			Duration timeout, Clock clock) {
		this.webClient = webClient;
		this.jwkSetUri = jwkSetUri;
		this.refreshFloor = refreshFloor;
		this.maxAge = maxAge;
		this.timeout = timeout;
		this.clock = clock;
	}

	@Override
	public Flux<JWK> apply(SignedJWT jwt) {
		String kid = jwt.getHeader().getKeyID();
		return Mono.defer(() -> {
			Snapshot current = this.snapshot.get();
			Instant now = this.clock.instant();
			boolean stale = current.fetchedAt().plus(this.maxAge).isBefore(now);
			List<JWK> keys = current.select(kid);
			if (!keys.isEmpty() && !stale) {
				return Mono.just(keys);
			}
			Mono<Snapshot> running = this.inFlight.get();
			if (running != null) {
				return running.map((fresh) -> fresh.select(kid));
			}
			if (!mayFetch(current, now)) {
				return Mono.just(keys);
			}
			return refresh().map((fresh) -> fresh.select(kid));
		}).flatMapIterable(Function.identity());
	}

	/** Fetches the key set now unless the floor forbids it; for warm-up at start-up. */
	public Mono<Void> prefetch() {
		return Mono.defer(() -> mayFetch(this.snapshot.get(), this.clock.instant()) ? refresh().then() : Mono.empty());
	}

	private boolean mayFetch(Snapshot current, Instant now) {
		// With no keys at all (first fetch failed, e.g. a slow IdP at start-up) every
		// token
		// is rejected, so retry sooner: still at most one fetch per second.
		Duration floor = current.keys().isEmpty()
				? NO_KEYS_RETRY_FLOOR.compareTo(this.refreshFloor) < 0 ? NO_KEYS_RETRY_FLOOR : this.refreshFloor
				: this.refreshFloor;
		return !current.attemptedAt().plus(floor).isAfter(now);
	}

	private Mono<Snapshot> refresh() {
		Mono<Snapshot> running = this.inFlight.get();
		if (running != null) {
			return running;
		}
		// Cleared before the result is emitted, so a caller after it never joins a
		// finished fetch.
		Mono<Snapshot> fetch = fetch().doOnTerminate(() -> this.inFlight.set(null)).cache();
		if (this.inFlight.compareAndSet(null, fetch)) {
			return fetch;
		}
		Mono<Snapshot> other = this.inFlight.get();
		return (other != null) ? other : Mono.fromSupplier(this.snapshot::get);
	}

	private Mono<Snapshot> fetch() {
		Instant attempt = this.clock.instant();
		// Mark the attempt first: concurrent callers see the floor even before the
		// answer.
		Snapshot before = this.snapshot.updateAndGet((s) -> new Snapshot(s.keys(), s.fetchedAt(), attempt));
		return this.jwkSetUri.flatMap((uri) -> this.webClient.get().uri(uri).retrieve().bodyToMono(String.class))
			.timeout(this.timeout)
			.map(CachingJwkSource::parse)
			.map((keys) -> {
				Snapshot fresh = new Snapshot(keys, this.clock.instant(), attempt);
				this.snapshot.set(fresh);
				return fresh;
			})
			.onErrorResume((ex) -> {
				logger.warn("JWK set fetch failed (" + ex.getClass().getSimpleName() + "); keeping the previous keys: "
						+ before.keys().size());
				return Mono.just(this.snapshot.get());
			});
	}

	private static List<JWK> parse(String body) {
		try {
			return JWKSet.parse(body)
				.getKeys()
				.stream()
				.filter((key) -> !key.isPrivate())
				.filter((key) -> key.getKeyUse() == null || KeyUse.SIGNATURE.equals(key.getKeyUse()))
				.toList();
		}
		catch (ParseException ex) {
			throw new IllegalArgumentException("not a JWK set", ex);
		}
	}

}
