package io.ftgo.edge.stubs.identity;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The fixed dev identities (shared/ARCHITECTURE.md, seeds): demo users for the password
 * grant and partner clients for client credentials. Documented in stubs/README.md.
 */
public final class DevIdentities {

	/** A demo consumer: logs in with the dev password grant. */
	public record User(String username, String password, long consumerId, Set<String> scopes) {
	}

	/**
	 * A partner client: client credentials, bound to its restaurants, with a rate-limit
	 * tier.
	 */
	public record Partner(String clientId, String secret, String tier, List<Long> restaurantIds, Set<String> scopes) {
	}

	/**
	 * Ordered, so the {@code scope} claim reads "web mobile" on every run ({@code Set.of}
	 * iterates in a per-JVM random order).
	 */
	private static final Set<String> WEB_MOBILE = Collections
		.unmodifiableSet(new LinkedHashSet<>(List.of("web", "mobile")));

	/**
	 * alice → 1001, bob → 1002, carol → 1003, dave → 1004 (no orders); password
	 * {@code password}.
	 */
	public static final Map<String, User> USERS = Map.of("alice", new User("alice", "password", 1001, WEB_MOBILE),
			"bob", new User("bob", "password", 1002, WEB_MOBILE), "carol",
			new User("carol", "password", 1003, WEB_MOBILE), "dave", new User("dave", "password", 1004, WEB_MOBILE));

	/**
	 * partner-ajanta → restaurant 501 (tier standard); partner-eggshop → restaurant 502
	 * (tier premium).
	 */
	public static final Map<String, Partner> PARTNERS = Map.of("partner-ajanta",
			new Partner("partner-ajanta", "ajanta-secret", "standard", List.of(501L), Set.of("partner")),
			"partner-eggshop",
			new Partner("partner-eggshop", "eggshop-secret", "premium", List.of(502L), Set.of("partner")));

	private DevIdentities() {
	}

}
