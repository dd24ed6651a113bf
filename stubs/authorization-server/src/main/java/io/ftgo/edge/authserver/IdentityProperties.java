package io.ftgo.edge.authserver;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * What the edge needs from this identity provider beyond the standard registration of
 * clients ({@code spring.security.oauth2.authorizationserver.client.*}), under
 * {@code ftgo.identity}; checked at start-up ({@link IdentityConfiguration}).
 *
 * <pre>
 * ftgo:
 *   identity:
 *     resource-audience: ftgo-edge       # aud of every access token (the edge's audiences)
 *     users:                             # who may sign in, and their FTGO consumer id
 *       alice: { password: "{bcrypt}...", consumer-id: 1001 }
 *     partners:                          # per client-credentials client: tier, restaurants
 *       partner-ajanta: { tier: standard, restaurant-ids: [501] }
 *     keys:
 *       retire-after: 10m                # a replaced signing key stays published this long
 *     admin:                             # HTTP Basic for /admin/** (key rotation)
 *       username: key-admin
 *       password: "{bcrypt}..."
 * </pre>
 *
 * @param resourceAudience the audience of every access token
 * @param users the users, by user name
 * @param partners partner attributes, by client id
 * @param keys signing-key settings
 * @param admin the administrator of the signing keys
 */
@ConfigurationProperties("ftgo.identity")
public record IdentityProperties(@DefaultValue("ftgo-edge") String resourceAudience, Map<String, User> users,
		Map<String, Partner> partners, @DefaultValue Keys keys, @DefaultValue Admin admin) {

	public IdentityProperties {
		users = (users != null) ? Map.copyOf(users) : Map.of();
		partners = (partners != null) ? Map.copyOf(partners) : Map.of();
	}

	/**
	 * A user who signs in with the login form.
	 *
	 * @param password the encoded password ({@code {bcrypt}...})
	 * @param consumerId the FTGO consumer id ({@code consumer_id} claim)
	 */
	public record User(String password, Long consumerId) {
	}

	/**
	 * A partner's attributes, carried in its client-credentials tokens.
	 *
	 * @param tier the rate-limit tier ({@code tier} claim)
	 * @param restaurantIds the restaurants it is bound to ({@code restaurant_ids} claim)
	 */
	public record Partner(String tier, List<Long> restaurantIds) {

		public Partner {
			restaurantIds = (restaurantIds != null) ? List.copyOf(restaurantIds) : List.of();
		}

	}

	/**
	 * Signing keys.
	 *
	 * @param retireAfter how long a key stays published after a newer one replaced it for
	 * signing: at least the longest access-token lifetime, so every token it signed
	 * verifies until it expires
	 */
	public record Keys(@DefaultValue("10m") Duration retireAfter) {
	}

	/**
	 * The key administrator (HTTP Basic on {@code /admin/**}).
	 *
	 * @param username the name
	 * @param password the encoded password
	 */
	public record Admin(@DefaultValue("key-admin") String username, String password) {
	}

}
