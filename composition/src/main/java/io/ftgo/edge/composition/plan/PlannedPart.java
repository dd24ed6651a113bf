package io.ftgo.edge.composition.plan;

import java.util.List;
import java.util.Map;

import io.ftgo.edge.composition.ItemFailure;
import io.ftgo.edge.composition.PartSource;
import io.ftgo.edge.composition.PayloadShape;
import io.ftgo.edge.composition.policy.FreshnessPolicy;
import io.ftgo.edge.composition.policy.ProviderSettings;
import tools.jackson.databind.JsonNode;

/**
 * A validated part, ready to run (internal).
 *
 * @param index position in definition (output) order
 * @param name the part name
 * @param provider the provider settings
 * @param template the path template, or {@code null} for a source part
 * @param source the DSL source, or {@code null}
 * @param uses the references a source part reads, by text
 * @param dependsOn indexes of the parts it depends on
 * @param dependsOnNames names of those parts
 * @param required whether required
 * @param projection the projection
 * @param forEach the fan-out reference, or {@code null}
 * @param concurrency fan-out concurrency
 * @param onItemFailure fan-out item handling
 * @param defaultValue the static default, or {@code null}
 * @param idempotent whether retried and collapsed
 * @param stage the explain stage
 * @param hasDependents whether another part depends on it
 * @param expect the expected answer shape
 * @param selection which fan-out items are called, or {@code null} for all
 * @param freshness the stale-while-revalidate policy (part over provider), or
 * {@code null}
 */
public record PlannedPart(int index, String name, ProviderSettings provider, Template template, PartSource source,
		Map<String, Reference> uses, int[] dependsOn, List<String> dependsOnNames, boolean required,
		Projection projection, Reference forEach, int concurrency, ItemFailure onItemFailure, JsonNode defaultValue,
		boolean idempotent, int stage, boolean hasDependents, PayloadShape expect, ItemSelection selection,
		FreshnessPolicy freshness) {
}
