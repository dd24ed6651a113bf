package io.ftgo.edge.composition.plan;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Field selection and renaming (internal): output dot path to source dot path. Missing
 * source fields are left out.
 */
public final class Projection {

	private static final Projection IDENTITY = new Projection(Map.of(), List.of(), List.of());

	private final Map<String, String> mapping;

	private final List<String[]> targets;

	private final List<String[]> sources;

	private Projection(Map<String, String> mapping, List<String[]> targets, List<String[]> sources) {
		this.mapping = mapping;
		this.targets = targets;
		this.sources = sources;
	}

	static Projection of(String key, Map<String, String> mapping) {
		if (mapping == null || mapping.isEmpty()) {
			return IDENTITY;
		}
		List<String[]> targets = new ArrayList<>();
		List<String[]> sources = new ArrayList<>();
		mapping.forEach((target, source) -> {
			if (target == null || target.isBlank() || source == null || source.isBlank()) {
				throw new IllegalArgumentException(
						key + "." + target + ": " + source + " (expected: output-field: source.path, both non-empty)");
			}
			targets.add(target.split("\\."));
			sources.add(source.split("\\."));
		});
		return new Projection(new LinkedHashMap<>(mapping), targets, sources);
	}

	/**
	 * The mapping as configured.
	 * @return output field to source path
	 */
	public Map<String, String> mapping() {
		return this.mapping;
	}

	/**
	 * Whether the projection passes the whole answer through.
	 * @return {@code true} when no fields are selected
	 */
	public boolean identity() {
		return this.targets.isEmpty();
	}

	/**
	 * Whether a reference path reads a field the projection selects (the field itself, a
	 * field inside it, or an object containing it).
	 * @param path a dot path
	 * @return {@code true} when covered
	 */
	boolean covers(String path) {
		if (identity()) {
			return true;
		}
		for (String source : this.mapping.values()) {
			if (source.equals(path) || path.startsWith(source + ".") || source.startsWith(path + ".")) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Projects an answer.
	 * @param value the provider answer
	 * @return the projected value (the same node for the identity projection)
	 */
	public JsonNode apply(JsonNode value) {
		if (identity() || value == null || !value.isObject()) {
			return value;
		}
		ObjectNode out = JsonNodeFactory.instance.objectNode();
		for (int i = 0; i < this.targets.size(); i++) {
			JsonNode field = Reference.at(value, this.sources.get(i));
			if (field == null) {
				continue;
			}
			String[] target = this.targets.get(i);
			ObjectNode parent = out;
			for (int j = 0; j < target.length - 1; j++) {
				JsonNode child = parent.get(target[j]);
				parent = (child instanceof ObjectNode o) ? o : parent.putObject(target[j]);
			}
			parent.set(target[target.length - 1], field);
		}
		return out;
	}

}
