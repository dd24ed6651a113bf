package io.ftgo.edge.gateway.cache;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import org.springframework.http.server.PathContainer;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

import io.ftgo.edge.gateway.pipeline.PathOverlap;

/**
 * Which requests the response cache serves, and under which key: the matching half of the
 * cache (the other half, storing and revalidating, is {@link ResponseCacheWebFilter} and
 * {@link BackgroundRevalidation}). A GET matches the first rule whose path pattern
 * matches; its key holds the rule, path, sorted query, the {@code vary} headers and,
 * unless the rule is shared, the caller's identity scope.
 */
final class CacheRules {

	private final EdgeCacheProperties properties;

	/** The rules' paths, parsed once, in the order of the rules. */
	private final List<PathPattern> patterns;

	CacheRules(EdgeCacheProperties properties) {
		this.properties = properties;
		this.patterns = properties.rules()
			.stream()
			.map((rule) -> PathPatternParser.defaultInstance.parse(rule.path()))
			.toList();
	}

	/** The index of the rule that matches {@code path}, or -1. */
	int match(PathContainer path) {
		for (int i = 0; i < this.patterns.size(); i++) {
			if (this.patterns.get(i).matches(path)) {
				return i;
			}
		}
		return -1;
	}

	EdgeCacheProperties.Rule rule(int index) {
		return this.properties.rules().get(index);
	}

	/** The cache key of a request under rule {@code index}. */
	String key(int index, ServerHttpRequest request, String identity) {
		StringBuilder key = new StringBuilder(128).append(index).append('|').append(request.getPath().value());
		Map<String, List<String>> query = new TreeMap<>(request.getQueryParams());
		key.append('?').append(query);
		for (String header : this.properties.vary()) {
			key.append('|')
				.append(header.toLowerCase(Locale.ROOT))
				.append('=')
				.append(request.getHeaders().getOrEmpty(header));
		}
		if (!rule(index).shared()) {
			key.append("|id=").append(identity);
		}
		return key.toString();
	}

	/** Whether a request on a path of {@code pathPattern} may match a rule. */
	boolean mayMatch(String pathPattern) {
		return this.properties.enabled() && !rulesFor(List.of(pathPattern)).isEmpty();
	}

	/**
	 * The rules a path of {@code pathPatterns} (none: any path) may match, as settings.
	 */
	List<Map<String, Object>> rulesFor(List<String> pathPatterns) {
		List<Map<String, Object>> rules = new ArrayList<>();
		for (int i = 0; i < this.properties.rules().size(); i++) {
			EdgeCacheProperties.Rule rule = this.properties.rules().get(i);
			if (PathOverlap.mayOverlapAny(pathPatterns, rule.path())) {
				Map<String, Object> settings = new LinkedHashMap<>();
				settings.put("rule", i);
				settings.put("path", rule.path());
				settings.put("ttl", rule.ttl().toString());
				settings.put("shared", rule.shared());
				rules.add(settings);
			}
		}
		return rules;
	}

}
