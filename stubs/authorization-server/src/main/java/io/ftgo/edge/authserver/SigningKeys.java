package io.ftgo.edge.authserver;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;

/**
 * The signing keys, rotated without a restart. One key signs (its {@code kid} is set on
 * every token, so the encoder never has to choose); keys it replaced stay in the
 * published JWK set for {@code retireAfter}, so every token they signed keeps verifying
 * until it expires; only then can they be retired. In memory: a restart starts with a new
 * key (a production deployment keeps keys in a vault or a database and loads them here).
 */
public final class SigningKeys implements JWKSource<SecurityContext> {

	/** A key that signed until {@code replacedAt}. */
	record Replaced(RSAKey key, Instant replacedAt) {
	}

	/** The signing key and the replaced keys still published. */
	public record State(String signing, List<String> published) {
	}

	private final Duration retireAfter;

	private final Clock clock;

	private RSAKey signing;

	private List<Replaced> replaced = List.of();

	private volatile JWKSet published;

	public SigningKeys(Duration retireAfter, Clock clock) {
		this.retireAfter = retireAfter;
		this.clock = clock;
		this.signing = generate();
		publish();
	}

	@Override
	public List<JWK> get(JWKSelector selector, SecurityContext context) {
		return selector.select(this.published);
	}

	/** The {@code kid} of the key that signs now. */
	public synchronized String signingKid() {
		return this.signing.getKeyID();
	}

	/**
	 * A new key signs from now on; the previous one stays published for
	 * {@code retireAfter}. Replaced keys already past their overlap are dropped.
	 */
	public synchronized State rotate() {
		RSAKey next = generate();
		List<Replaced> kept = new ArrayList<>(stillNeeded());
		kept.add(new Replaced(this.signing, this.clock.instant()));
		this.replaced = List.copyOf(kept);
		this.signing = next;
		publish();
		return state();
	}

	/**
	 * Retires the replaced keys whose overlap has ended; with {@code force} every
	 * replaced key (a compromised key: tokens it signed stop verifying at once).
	 */
	public synchronized State retire(boolean force) {
		this.replaced = force ? List.of() : stillNeeded();
		publish();
		return state();
	}

	public synchronized State state() {
		return new State(this.signing.getKeyID(), this.published.getKeys().stream().map(JWK::getKeyID).toList());
	}

	private List<Replaced> stillNeeded() {
		Instant now = this.clock.instant();
		return this.replaced.stream().filter((r) -> r.replacedAt().plus(this.retireAfter).isAfter(now)).toList();
	}

	private void publish() {
		List<JWK> keys = new ArrayList<>();
		keys.add(this.signing);
		this.replaced.forEach((r) -> keys.add(r.key()));
		this.published = new JWKSet(keys);
	}

	private static RSAKey generate() {
		try {
			KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
			generator.initialize(2048);
			KeyPair pair = generator.generateKeyPair();
			return new RSAKey.Builder((RSAPublicKey) pair.getPublic()).privateKey((RSAPrivateKey) pair.getPrivate())
				.keyID(UUID.randomUUID().toString())
				.keyUse(KeyUse.SIGNATURE)
				.algorithm(JWSAlgorithm.RS256)
				.build();
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
