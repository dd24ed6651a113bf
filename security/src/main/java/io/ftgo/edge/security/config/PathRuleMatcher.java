package io.ftgo.edge.security.config;

import java.util.HashMap;
import java.util.List;
import java.util.Set;

import reactor.core.publisher.Mono;

import org.springframework.http.HttpMethod;
import org.springframework.http.server.PathContainer;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * A security rule's matcher: the request's method is one of the rule's (any, when it has
 * none) and its path within the application matches one of the rule's patterns, decided
 * at once. It matches exactly what Spring Security's {@code pathMatchers} (one
 * {@code PathPatternParserServerWebExchangeMatcher} per pattern and method, the same
 * parser, combined with an {@code OrServerWebExchangeMatcher}) matches, with the first
 * matching pattern's variables; those build a {@code Flux} over the patterns, and a
 * {@code Mono} with a logging stage for every pattern that does not match, on every
 * request, for every rule tried before the one that applies.
 */
final class PathRuleMatcher implements ServerWebExchangeMatcher {

	private static final Mono<MatchResult> NOT_MATCH = MatchResult.notMatch();

	private final Set<HttpMethod> methods;

	private final PathPattern[] patterns;

	/**
	 * @param methods the methods (empty: any)
	 * @param patterns the path patterns
	 */
	PathRuleMatcher(Set<HttpMethod> methods, List<String> patterns) {
		this.methods = Set.copyOf(methods);
		PathPatternParser parser = PathPatternParser.defaultInstance;
		this.patterns = patterns.stream()
			.map((pattern) -> parser.parse(parser.initFullPathPattern(pattern)))
			.toArray(PathPattern[]::new);
	}

	@Override
	public Mono<MatchResult> matches(ServerWebExchange exchange) {
		ServerHttpRequest request = exchange.getRequest();
		if (!this.methods.isEmpty() && !this.methods.contains(request.getMethod())) {
			return NOT_MATCH;
		}
		PathContainer path = request.getPath().pathWithinApplication();
		for (PathPattern pattern : this.patterns) {
			PathPattern.PathMatchInfo info = pattern.matchAndExtract(path);
			if (info != null) {
				return MatchResult.match(new HashMap<>(info.getUriVariables()));
			}
		}
		return NOT_MATCH;
	}

	@Override
	public String toString() {
		return "PathRuleMatcher{methods=" + this.methods + ", patterns=" + List.of(this.patterns) + "}";
	}

}
