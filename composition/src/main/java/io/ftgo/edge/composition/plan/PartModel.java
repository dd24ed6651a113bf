package io.ftgo.edge.composition.plan;

import java.util.List;
import java.util.Map;

import io.ftgo.edge.composition.Freshness;
import io.ftgo.edge.composition.ItemFailure;
import io.ftgo.edge.composition.PartSource;
import io.ftgo.edge.composition.PayloadShape;
import tools.jackson.databind.JsonNode;

/**
 * One part as written, from either front door (internal planner input).
 *
 * @param name the part name
 * @param from the provider id
 * @param get the path template, or {@code null} for a source part
 * @param required whether required
 * @param project the projection or {@code null}
 * @param forEach the fan-out reference or {@code null}
 * @param concurrency the fan-out concurrency or {@code null}
 * @param onItemFailure the fan-out item handling or {@code null}
 * @param defaultValue the static default or {@code null}
 * @param source the DSL source or {@code null}
 * @param uses references a source part reads
 * @param idempotent whether the call may be retried and collapsed, {@code null} for the
 * default (GET: yes; source: no)
 * @param expect the expected answer shape, or {@code null} for any object
 * @param where the fan-out filter applied before paging, or {@code null}
 * @param page the request parameter with the fan-out page number, or {@code null}
 * @param size the request parameter with the fan-out page size, or {@code null}
 * @param defaultSize the fan-out page size when the request sends none, or {@code null}
 * @param when the condition a fan-out item of the page must meet to be called, or
 * {@code null}
 * @param freshness the part's stale-while-revalidate policy as written, or {@code null}
 */
public record PartModel(String name, String from, String get, boolean required, Map<String, String> project,
		String forEach, Integer concurrency, ItemFailure onItemFailure, JsonNode defaultValue, PartSource source,
		List<String> uses, Boolean idempotent, PayloadShape expect, String where, String page, String size,
		Integer defaultSize, String when, Freshness freshness) {
}
