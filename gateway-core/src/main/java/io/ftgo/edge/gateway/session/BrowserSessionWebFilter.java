package io.ftgo.edge.gateway.session;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;

import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpCookie;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

import io.ftgo.edge.gateway.pipeline.EdgeChainLink;
import io.ftgo.edge.gateway.pipeline.EdgeLinkType;
import io.ftgo.edge.security.web.Problems;

/**
 * Browser session mode on the API paths: the session cookie turned into the session's
 * access token as an {@code Authorization: Bearer} header, so that the rest of the edge
 * chain (authentication, scopes, limits, token relay to providers) treats a browser
 * exactly as a bearer caller. Runs after header hygiene and before Spring Security.
 * <p>
 * Refused before anything is forwarded: a cross-site state-changing request
 * ({@code Origin} or {@code Sec-Fetch-Site}), a session request without the anti-forgery
 * header (403), a request with both the session cookie and an {@code Authorization}
 * header (400), an unknown or ended session (401). Every answer gets the page's security
 * headers (CSP without inline script, {@code frame-ancestors 'none'}, ...).
 * <p>
 * The other rooms of session mode, built here and shared: {@link BrowserSessionEndpoints}
 * ({@code /bff/*}, {@link #endpoints()}), {@link LoginFlow}, {@link LogoutFlow},
 * {@link LiveSessions} (lookup, refresh, idle expiry), {@link SessionRepository} (the
 * store), {@link SessionCookies} and {@link SessionAnswers}.
 */
public class BrowserSessionWebFilter implements EdgeChainLink {

	/** After header hygiene, before authentication. */
	public static final int ORDER = EdgeLinkType.SESSION.order();

	/** The {@code /bff/*} endpoints: after the rate limit, before the response cache. */
	public static final int ENDPOINTS_ORDER = EdgeLinkType.SESSION_ENDPOINTS.order();

	/** Exchange attribute: the session of a session-authenticated request. */
	public static final String SESSION_ATTR = BrowserSessionWebFilter.class.getName() + ".session";

	private static final Set<HttpMethod> SAFE = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS,
			HttpMethod.TRACE);

	private final List<PathPattern> apiPaths;

	private final List<String> apiPathPatterns;

	private final String cookieName;

	private final SessionCookies cookies;

	private final SessionAnswers answers;

	private final LiveSessions sessions;

	private final BrowserSessionEndpoints endpoints;

	BrowserSessionWebFilter(EdgeSessionProperties properties, SessionStore store, OidcClient oidc, Clock clock) {
		PathPatternParser parser = new PathPatternParser();
		this.apiPaths = properties.apiPaths().stream().map(parser::parse).toList();
		this.apiPathPatterns = List.copyOf(properties.apiPaths());
		this.cookieName = properties.cookie().fullName();
		JsonMapper json = JsonMapper.builder().build();
		RandomTokens tokens = new RandomTokens();
		this.cookies = new SessionCookies(properties.cookie(), properties.publicOrigin());
		this.answers = new SessionAnswers(this.cookies, properties.csrfHeader(), json);
		SessionRepository repository = new SessionRepository(store, properties, clock, tokens, json);
		this.sessions = new LiveSessions(repository, oidc, properties, clock);
		this.endpoints = new BrowserSessionEndpoints(
				new LoginFlow(oidc, repository, this.cookies, this.answers, tokens, properties.scopes()),
				new LogoutFlow(oidc, repository, this.cookies, this.answers), this.sessions, this.cookies,
				this.answers);
	}

	@Override
	public EdgeLinkType linkType() {
		return EdgeLinkType.SESSION;
	}

	@Override
	public Map<String, Object> settings(List<String> pathPatterns) {
		return Map.of("api-paths", this.apiPathPatterns, "cookie", this.cookieName, "page-headers", true);
	}

	/**
	 * The {@code /bff/*} endpoints ({@link BrowserSessionEndpoints}), a filter of their
	 * own after the rate limit ({@link EdgeLinkType#SESSION_ENDPOINTS}).
	 */
	public EdgeChainLink endpoints() {
		return this.endpoints;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		ServerHttpRequest request = exchange.getRequest();
		exchange.getResponse().beforeCommit(() -> {
			SessionAnswers.pageHeaders(exchange);
			return Mono.empty();
		});
		String path = request.getPath().pathWithinApplication().value();
		if (!SAFE.contains(request.getMethod()) && !path.equals(BrowserSessionEndpoints.BACKCHANNEL)
				&& crossSite(exchange)) {
			return Problems.write(exchange, HttpStatus.FORBIDDEN, "Cross-site requests may not change state.",
					"cross_site_request");
		}
		if (path.startsWith("/bff/")) {
			// Answered by the endpoints filter, after the rate limit.
			SessionAnswers.noStore(exchange);
			return chain.filter(exchange);
		}
		if (!isApiPath(request)) {
			return chain.filter(exchange);
		}
		HttpCookie cookie = this.cookies.session(exchange);
		if (cookie == null) {
			return chain.filter(exchange);
		}
		if (request.getHeaders().containsHeader(HttpHeaders.AUTHORIZATION)) {
			return Problems.write(exchange, HttpStatus.BAD_REQUEST,
					"Send either the session cookie or an Authorization header, not both.", "ambiguous_credentials");
		}
		if (!this.answers.hasCsrfHeader(exchange)) {
			return this.answers.csrfMissing(exchange);
		}
		exchange.getResponse().beforeCommit(() -> {
			// A session's answers are for this browser only: never kept by a shared
			// cache (private revalidated answers, e.g. the order page's ETag, stay).
			String cache = exchange.getResponse().getHeaders().getCacheControl();
			if (cache == null || !(cache.contains("private") || cache.contains("no-store"))) {
				exchange.getResponse().getHeaders().setCacheControl("no-store");
			}
			return Mono.empty();
		});
		return this.sessions.lookup(cookie.getValue()).flatMap((found) -> {
			if (found.failure() != null) {
				return this.answers.storeUnavailable(exchange, found.failure());
			}
			if (found.session().isEmpty()) {
				return this.answers.noSession(exchange);
			}
			BrowserSession session = found.session().get();
			exchange.getAttributes().put(SESSION_ATTR, session);
			ServerHttpRequest relayed = request.mutate().headers((headers) -> {
				headers.setBearerAuth(session.accessToken());
				this.cookies.removeSession(headers);
			}).build();
			return chain.filter(exchange.mutate().request(relayed).build());
		});
	}

	private boolean isApiPath(ServerHttpRequest request) {
		for (PathPattern pattern : this.apiPaths) {
			if (pattern.matches(request.getPath().pathWithinApplication())) {
				return true;
			}
		}
		return false;
	}

	/**
	 * A browser's state-changing request from another site: {@code Sec-Fetch-Site} other
	 * than same-origin or none (a user typing the address), or an {@code Origin} that is
	 * not this site's. Callers that send neither (non-browser clients) pass.
	 */
	private boolean crossSite(ServerWebExchange exchange) {
		HttpHeaders headers = exchange.getRequest().getHeaders();
		String site = headers.getFirst("Sec-Fetch-Site");
		if (site != null && !site.equalsIgnoreCase("same-origin") && !site.equalsIgnoreCase("none")) {
			return true;
		}
		String origin = headers.getOrigin();
		return origin != null && !origin.equalsIgnoreCase(this.cookies.origin(exchange));
	}

}
