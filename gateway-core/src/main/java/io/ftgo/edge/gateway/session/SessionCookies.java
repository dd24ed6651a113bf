package io.ftgo.edge.gateway.session;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

import org.springframework.http.HttpCookie;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseCookie;
import org.springframework.web.server.ServerWebExchange;

/**
 * The two cookies of session mode and this site's origin: the {@code __Host-} session
 * cookie (HttpOnly, Secure, SameSite=Strict; its value is the session id) and the login
 * cookie that binds an authorization response to the browser that started it.
 */
final class SessionCookies {

	private final EdgeSessionProperties.Cookie settings;

	private final URI publicOrigin;

	SessionCookies(EdgeSessionProperties.Cookie settings, URI publicOrigin) {
		this.settings = settings;
		this.publicOrigin = publicOrigin;
	}

	/** The session cookie of the request, or null. */
	HttpCookie session(ServerWebExchange exchange) {
		return exchange.getRequest().getCookies().getFirst(this.settings.fullName());
	}

	/** The login cookie of the request, or null. */
	HttpCookie login(ServerWebExchange exchange) {
		return exchange.getRequest().getCookies().getFirst(this.settings.loginName());
	}

	/** A session cookie for {@code id} that lasts as long as the browser. */
	ResponseCookie session(String id) {
		return sessionCookie(id, null);
	}

	/** Clears the browser's session cookie. */
	ResponseCookie clearedSession() {
		return sessionCookie("", Duration.ZERO);
	}

	private ResponseCookie sessionCookie(String value, Duration maxAge) {
		ResponseCookie.ResponseCookieBuilder cookie = ResponseCookie.from(this.settings.fullName(), value)
			.httpOnly(true)
			.secure(this.settings.secure())
			.sameSite("Strict")
			.path("/");
		if (maxAge != null) {
			cookie.maxAge(maxAge);
		}
		return cookie.build();
	}

	/**
	 * Binds the authorization response to the browser that started the login. Lax, not
	 * Strict: the identity provider's redirect back is a cross-site navigation.
	 */
	ResponseCookie login(String state, Duration maxAge) {
		return ResponseCookie.from(this.settings.loginName(), state)
			.httpOnly(true)
			.secure(this.settings.secure())
			.sameSite("Lax")
			.path("/")
			.maxAge(maxAge)
			.build();
	}

	/** Removes the session cookie from request headers relayed to providers. */
	void removeSession(HttpHeaders headers) {
		String name = this.settings.fullName();
		List<String> cookies = headers.get(HttpHeaders.COOKIE);
		if (cookies == null) {
			return;
		}
		StringBuilder kept = new StringBuilder();
		for (String header : cookies) {
			for (String pair : header.split(";")) {
				String trimmed = pair.trim();
				if (!trimmed.isEmpty() && !trimmed.startsWith(name + "=")) {
					kept.append((kept.length() > 0) ? "; " : "").append(trimmed);
				}
			}
		}
		if (kept.length() == 0) {
			headers.remove(HttpHeaders.COOKIE);
		}
		else {
			headers.set(HttpHeaders.COOKIE, kept.toString());
		}
	}

	/**
	 * This site's origin ({@code edge.session.public-origin}, else the request's):
	 * {@code scheme://host[:port]}, lower-case, without a default port.
	 */
	String origin(ServerWebExchange exchange) {
		URI origin = (this.publicOrigin != null) ? this.publicOrigin : exchange.getRequest().getURI();
		String scheme = origin.getScheme().toLowerCase(Locale.ROOT);
		int port = origin.getPort();
		boolean defaultPort = port < 0 || ("http".equals(scheme) && port == 80)
				|| ("https".equals(scheme) && port == 443);
		return scheme + "://" + origin.getHost().toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port);
	}

}
