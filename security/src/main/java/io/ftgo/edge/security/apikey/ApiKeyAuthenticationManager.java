package io.ftgo.edge.security.apikey;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import reactor.core.publisher.Mono;

import org.springframework.security.authentication.ReactiveAuthenticationManager;
import org.springframework.security.core.Authentication;

import io.ftgo.edge.security.EdgePrincipal;
import io.ftgo.edge.security.config.EdgeSecurityProperties;

/**
 * Authenticates partner API keys against stored SHA-256 hashes. The presented key is
 * hashed and compared with every stored hash in constant time
 * ({@link MessageDigest#isEqual}), all of them on every attempt, so neither the match nor
 * its position shows in the timing.
 */
public final class ApiKeyAuthenticationManager implements ReactiveAuthenticationManager {

	/** Keys longer than this are rejected without hashing. */
	static final int MAX_KEY_LENGTH = 256;

	private final List<Entry> entries;

	private record Entry(byte[] hash, EdgePrincipal principal) {
	}

	public ApiKeyAuthenticationManager(List<EdgeSecurityProperties.ApiKey> keys) {
		this.entries = keys.stream().map(ApiKeyAuthenticationManager::entry).toList();
	}

	private static Entry entry(EdgeSecurityProperties.ApiKey key) {
		Map<String, Object> attributes = new LinkedHashMap<>();
		attributes.put(EdgePrincipal.CLIENT_ID, key.clientId());
		attributes.put(EdgePrincipal.TIER, key.tier());
		attributes.put(EdgePrincipal.RESTAURANT_IDS, key.restaurantIds());
		EdgePrincipal principal = new EdgePrincipal(EdgePrincipal.Kind.API_KEY, key.clientId(),
				new java.util.LinkedHashSet<>(key.scopes()), attributes);
		return new Entry(HexFormat.of().parseHex(key.hash().substring("sha256:".length())), principal);
	}

	/**
	 * {@code sha256:} and the hex SHA-256 of {@code key}: the stored form of an API key.
	 */
	public static String hash(String key) {
		return "sha256:" + HexFormat.of().formatHex(sha256(key));
	}

	@Override
	public Mono<Authentication> authenticate(Authentication authentication) {
		if (!(authentication instanceof ApiKeyAuthentication apiKey) || apiKey.presentedKey() == null) {
			return Mono.empty();
		}
		return Mono.fromSupplier(() -> match(apiKey.presentedKey()))
			.switchIfEmpty(Mono.error(() -> new ApiKeyAuthenticationException("The API key is not valid")))
			.map(ApiKeyAuthentication::authenticated);
	}

	private EdgePrincipal match(String presented) {
		if (presented.isEmpty() || presented.length() > MAX_KEY_LENGTH) {
			return null;
		}
		byte[] hash = sha256(presented);
		EdgePrincipal found = null;
		for (Entry entry : this.entries) {
			if (MessageDigest.isEqual(entry.hash(), hash) && found == null) {
				found = entry.principal();
			}
		}
		return found;
	}

	private static byte[] sha256(String value) {
		try {
			return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is required by every JVM", ex);
		}
	}

}
