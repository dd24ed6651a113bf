package io.ftgo.edge.stubs.identity;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The fixed dev identities: demo users for the password grant and partner clients for
 * client credentials. Documented in stubs/README.md.
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

	/**
	 * A confidential client of the authorization code flow (a BFF). Redirect and
	 * post-logout URIs on a loopback host ({@code localhost}, {@code 127.0.0.1}) match on
	 * any port, as RFC 8252 allows for loopback redirects, so tests on random ports need
	 * no registration; the back-channel logout URI is this path on the origin of the
	 * redirect URI the client used at login.
	 */
	public record Client(String clientId, String secret, List<String> redirectUris, List<String> postLogoutRedirectUris,
			String backChannelLogoutPath) {
	}

	/**
	 * bff-web: secret {@code bff-web-secret}, callback {@code /bff/callback},
	 * back-channel logout at {@code /bff/backchannel-logout}, signed out to {@code /}.
	 */
	public static final Map<String, Client> CLIENTS = Map.of("bff-web",
			new Client("bff-web", "bff-web-secret",
					List.of("http://localhost:8082/bff/callback", "http://127.0.0.1:8082/bff/callback"),
					List.of("http://localhost:8082/", "http://127.0.0.1:8082/"), "/bff/backchannel-logout"));

	private DevIdentities() {
	}

}
