package io.ftgo.edge.gateway.pipeline;

import java.util.ArrayList;
import java.util.List;

/**
 * Whether two path patterns ({@code PathPattern} syntax) may match a common path, decided
 * conservatively from their leading literal segments: two patterns whose literal segments
 * differ at a position where both are literal match no common path; anything else
 * (wildcards, variables, one a prefix of the other) may. Used at start-up to leave a link
 * out of a route's pipeline only when it provably cannot act on that route.
 */
public final class PathOverlap {

	private PathOverlap() {
	}

	/** Whether some path may match both {@code a} and {@code b}. */
	public static boolean mayOverlap(String a, String b) {
		List<String> left = literalPrefix(a);
		List<String> right = literalPrefix(b);
		int common = Math.min(left.size(), right.size());
		for (int i = 0; i < common; i++) {
			if (!left.get(i).equals(right.get(i))) {
				return false;
			}
		}
		return true;
	}

	/**
	 * Whether some path of one of {@code patterns} (none: any path) may match
	 * {@code other}.
	 */
	public static boolean mayOverlapAny(List<String> patterns, String other) {
		if (patterns.isEmpty()) {
			return true;
		}
		for (String pattern : patterns) {
			if (mayOverlap(pattern, other)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Whether {@code pattern} may match some path under {@code prefix} (e.g.
	 * {@code /bff/}).
	 */
	public static boolean mayOverlapPrefix(String pattern, String prefix) {
		return mayOverlap(pattern, prefix + "**");
	}

	/** The segments before the first one that is not plain text. */
	static List<String> literalPrefix(String pattern) {
		List<String> segments = new ArrayList<>();
		for (String segment : pattern.split("/", -1)) {
			if (segment.isEmpty()) {
				continue;
			}
			if (segment.indexOf('{') >= 0 || segment.indexOf('*') >= 0 || segment.indexOf('?') >= 0) {
				break;
			}
			segments.add(segment);
		}
		return segments;
	}

}
