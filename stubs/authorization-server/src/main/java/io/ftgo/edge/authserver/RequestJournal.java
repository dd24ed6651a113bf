package io.ftgo.edge.authserver;

import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.core.Ordered;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Counts what clients asked of the protocol endpoints, for operators and for tests that
 * prove what the edge did without looking inside it: token requests by grant type and
 * answer, key-set fetches (and when the last one was), revocations, logouts. Read at
 * {@code GET /admin/journal}.
 */
final class RequestJournal extends OncePerRequestFilter implements Ordered {

	private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();

	private final AtomicLong lastKeySetFetch = new AtomicLong();

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

	@Override
	protected boolean shouldNotFilter(HttpServletRequest request) {
		String path = request.getRequestURI();
		return !path.startsWith("/oauth2/") && !path.startsWith("/connect/") && !path.equals("/login");
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		String path = request.getRequestURI();
		String what = request.getMethod() + " " + path;
		if (path.equals("/oauth2/token")) {
			what += " " + request.getParameter("grant_type");
		}
		try {
			chain.doFilter(request, response);
		}
		finally {
			this.counts.computeIfAbsent(what + " " + response.getStatus(), (key) -> new AtomicInteger())
				.incrementAndGet();
			if (path.equals("/oauth2/jwks")) {
				this.lastKeySetFetch.set(System.currentTimeMillis());
			}
		}
	}

	/** Counts by {@code METHOD path [grant_type] status}, and the last key-set fetch. */
	Map<String, Object> snapshot() {
		Map<String, Integer> byRequest = new TreeMap<>();
		this.counts.forEach((key, count) -> byRequest.put(key, count.get()));
		return Map.of("requests", byRequest, "lastKeySetFetchEpochMillis", this.lastKeySetFetch.get());
	}

}
