package io.ftgo.edge.composition;

import java.util.Map;

import tools.jackson.databind.node.ObjectNode;

/**
 * The answer of a composition: one merged JSON document with one field per part that has
 * a value (under the part's name, projected), plus what happened to every part.
 *
 * @param body the merged document
 * @param parts per-part metadata, in the composition's part order
 * @param complete {@code true} when every part is {@link PartStatus#FRESH}, or
 * {@code stale} with reason {@code revalidating} (served by a stale-while-revalidate
 * policy, not a degradation)
 */
public record CompositionResult(ObjectNode body, Map<String, PartMetadata> parts, boolean complete) {

	/**
	 * A {@code Server-Timing} header value with one metric per part, e.g.
	 * {@code order;dur=12.5;desc="fresh", ticket;dur=500.0;desc="stale timeout"}.
	 * @return the header value
	 */
	public String serverTiming() {
		StringBuilder sb = new StringBuilder();
		this.parts.forEach((name, meta) -> {
			long tenthsOfMillis = (meta.duration().toNanos() + 50_000) / 100_000;
			if (sb.length() > 0) {
				sb.append(", ");
			}
			sb.append(name)
				.append(";dur=")
				.append(tenthsOfMillis / 10)
				.append('.')
				.append(tenthsOfMillis % 10)
				.append(";desc=\"")
				.append(meta.status().label());
			if (meta.reason() != null) {
				sb.append(' ').append(meta.reason().label());
			}
			sb.append('"');
		});
		return sb.toString();
	}

}
