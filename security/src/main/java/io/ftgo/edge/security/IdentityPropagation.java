package io.ftgo.edge.security;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.springframework.http.HttpHeaders;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

import io.ftgo.edge.security.config.EdgeSecurityProperties;

/**
 * What identity reaches a provider. Inbound copies of every managed header (the
 * configured identity headers, the API key header, and {@code Authorization} unless it is
 * forwarded) are removed first, so a client can never assert an identity a provider
 * trusts; then the caller's bearer token and the configured headers are set from the
 * authenticated principal.
 */
public final class IdentityPropagation {

	private final boolean forwardBearer;

	private final Map<String, String> headers;

	private final String apiKeyHeader;

	private final Set<String> managedHeaders;

	public IdentityPropagation(EdgeSecurityProperties.Propagation settings, String apiKeyHeader) {
		this.forwardBearer = settings.bearer();
		this.headers = Map.copyOf(settings.headers());
		this.apiKeyHeader = apiKeyHeader;
		Set<String> managed = new LinkedHashSet<>(this.headers.keySet());
		managed.add(HttpHeaders.AUTHORIZATION);
		if (apiKeyHeader != null) {
			managed.add(apiKeyHeader);
		}
		this.managedHeaders = Collections.unmodifiableSet(managed);
	}

	/** The API key header (never forwarded), or null. */
	public String apiKeyHeader() {
		return this.apiKeyHeader;
	}

	/** Headers that never pass through from the client as they came. */
	public Set<String> managedHeaders() {
		return this.managedHeaders;
	}

	/**
	 * Rewrites {@code target} (the provider request's headers) for the caller, building
	 * the principal from {@code authentication}.
	 * @param authentication the caller, or null when unauthenticated
	 * @param target headers of the request to the provider; modified in place
	 */
	public void apply(Authentication authentication, HttpHeaders target) {
		apply(authentication, (authentication != null) ? EdgePrincipal.from(authentication) : null, target);
	}

	/**
	 * Rewrites {@code target} (the provider request's headers) for the caller.
	 * @param authentication the caller, or null when unauthenticated
	 * @param principal the caller's principal, resolved once per request (null when
	 * unauthenticated or when the authentication carries none)
	 * @param target headers of the request to the provider; modified in place
	 */
	public void apply(Authentication authentication, EdgePrincipal principal, HttpHeaders target) {
		this.managedHeaders.forEach(target::remove);
		if (authentication == null) {
			return;
		}
		if (this.forwardBearer && authentication instanceof JwtAuthenticationToken jwt) {
			target.setBearerAuth(jwt.getToken().getTokenValue());
		}
		if (principal == null) {
			return;
		}
		this.headers.forEach((header, attribute) -> {
			Object value = attribute(principal, attribute);
			if (value != null) {
				target.set(header, value.toString());
			}
		});
	}

	private static Object attribute(EdgePrincipal principal, String name) {
		return switch (name) {
			case "subject" -> principal.subject();
			case "scopes" -> String.join(" ", principal.scopes());
			default -> {
				Object value = principal.attributes().get(name);
				yield (value instanceof Collection<?> values)
						? values.stream().map(String::valueOf).collect(Collectors.joining(",")) : value;
			}
		};
	}

}
