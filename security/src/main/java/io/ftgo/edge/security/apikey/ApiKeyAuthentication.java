package io.ftgo.edge.security.apikey;

import java.util.Collection;
import java.util.List;

import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

import io.ftgo.edge.security.EdgePrincipal;

/**
 * An authentication by partner API key. Before authentication it carries the presented
 * key; after, the partner's {@link EdgePrincipal} and its scopes as {@code SCOPE_*}
 * authorities. The key itself is never kept after authentication.
 */
public final class ApiKeyAuthentication extends AbstractAuthenticationToken {

	private final transient String presentedKey;

	private final EdgePrincipal principal;

	private ApiKeyAuthentication(String presentedKey, EdgePrincipal principal,
			Collection<? extends GrantedAuthority> authorities) {
		super(authorities);
		this.presentedKey = presentedKey;
		this.principal = principal;
		setAuthenticated(principal != null);
	}

	/** An unauthenticated request carrying {@code key}. */
	public static ApiKeyAuthentication unauthenticated(String key) {
		return new ApiKeyAuthentication(key, null, List.of());
	}

	/** A successful authentication of {@code principal}. */
	public static ApiKeyAuthentication authenticated(EdgePrincipal principal) {
		List<GrantedAuthority> authorities = principal.scopes()
			.stream()
			.map((scope) -> (GrantedAuthority) new SimpleGrantedAuthority("SCOPE_" + scope))
			.toList();
		return new ApiKeyAuthentication(null, principal, authorities);
	}

	/** The presented key (unauthenticated instances only). */
	String presentedKey() {
		return this.presentedKey;
	}

	@Override
	public Object getCredentials() {
		return null;
	}

	@Override
	public EdgePrincipal getPrincipal() {
		return this.principal;
	}

	@Override
	public String getName() {
		return (this.principal != null) ? this.principal.subject() : "";
	}

}
