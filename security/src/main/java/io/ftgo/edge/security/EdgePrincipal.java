package io.ftgo.edge.security;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

/**
 * Who is calling, in the terms the rest of the edge uses: rate limits key on
 * {@link #id()}, caches and request collapsing isolate on {@link #identityScope()},
 * compositions read {@link #attributes()} (e.g. {@code consumerId},
 * {@code restaurantIds}).
 *
 * @param kind how the caller authenticated
 * @param subject the token subject or the API key's client id
 * @param scopes granted scopes
 * @param attributes principal attributes: {@code consumerId} (users), {@code clientId},
 * {@code tier} and {@code restaurantIds} (partners)
 */
public record EdgePrincipal(Kind kind, String subject, Set<String> scopes, Map<String, Object> attributes) {

	/** How the caller authenticated. */
	public enum Kind {

		/** A bearer JWT. */
		JWT,
		/** A partner API key. */
		API_KEY

	}

	/** Attribute: the consumer id of a user token (a {@link Long}). */
	public static final String CONSUMER_ID = "consumerId";

	/** Attribute: the client id of a partner (token or API key). */
	public static final String CLIENT_ID = "clientId";

	/** Attribute: the rate-limit tier of a partner. */
	public static final String TIER = "tier";

	/** Attribute: the restaurants a partner is bound to (a {@code List<Long>}). */
	public static final String RESTAURANT_IDS = "restaurantIds";

	public EdgePrincipal {
		scopes = Set.copyOf(scopes);
		attributes = Map.copyOf(attributes);
	}

	/**
	 * A stable id for rate limits and logs: {@code jwt:<sub>} or {@code key:<client id>}.
	 */
	public String id() {
		return ((this.kind == Kind.JWT) ? "jwt:" : "key:") + this.subject;
	}

	/**
	 * The isolation key for per-user caches and collapsing: two principals share cached
	 * answers only if their identity scopes are equal. A partner's token and its API key
	 * share one scope (same client id); a user is scoped by subject.
	 */
	public String identityScope() {
		Object clientId = this.attributes.get(CLIENT_ID);
		return (clientId != null) ? "client:" + clientId : "sub:" + this.subject;
	}

	/** The rate-limit tier, {@code default} when none is given. */
	public String tier() {
		Object tier = this.attributes.get(TIER);
		return (tier != null) ? tier.toString() : "default";
	}

	/**
	 * The edge principal of an authentication made by the edge chain.
	 * @return the principal, or null for authentications the edge did not make
	 */
	public static EdgePrincipal from(Authentication authentication) {
		if (authentication.getPrincipal() instanceof EdgePrincipal principal) {
			return principal;
		}
		if (authentication instanceof JwtAuthenticationToken jwt) {
			Map<String, Object> claims = jwt.getToken().getClaims();
			Map<String, Object> attributes = new LinkedHashMap<>();
			Long consumerId = asLong(claims.get("consumer_id"));
			if (consumerId != null) {
				attributes.put(CONSUMER_ID, consumerId);
			}
			Object clientId = claims.get("client_id");
			if (clientId != null) {
				attributes.put(CLIENT_ID, clientId.toString());
			}
			Object tier = claims.get("tier");
			if (tier != null) {
				attributes.put(TIER, tier.toString());
			}
			Object restaurants = claims.get("restaurant_ids");
			if (restaurants instanceof List<?> list) {
				attributes.put(RESTAURANT_IDS,
						list.stream().map(EdgePrincipal::asLong).filter((id) -> id != null).toList());
			}
			Set<String> scopes = new java.util.LinkedHashSet<>();
			for (GrantedAuthority authority : jwt.getAuthorities()) {
				String name = authority.getAuthority();
				if (name != null && name.startsWith("SCOPE_")) {
					scopes.add(name.substring(6));
				}
			}
			return new EdgePrincipal(Kind.JWT, jwt.getToken().getSubject(), scopes, attributes);
		}
		return null;
	}

	private static Long asLong(Object value) {
		if (value instanceof Number number) {
			return number.longValue();
		}
		if (value instanceof String text) {
			try {
				return Long.valueOf(text);
			}
			catch (NumberFormatException ex) {
				return null;
			}
		}
		return null;
	}

}
