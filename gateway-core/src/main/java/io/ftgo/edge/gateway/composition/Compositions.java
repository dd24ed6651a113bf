package io.ftgo.edge.gateway.composition;

import java.util.AbstractMap;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import io.ftgo.edge.composition.Composition;

/**
 * Every composition the application serves (YAML and {@link CompositionContributor}s),
 * planned and checked at start-up, by name in declaration order. The bean is named
 * {@code edgeCompositions}; it is a read-only {@code Map<String, Composition>} so that
 * code written against a map of compositions takes it as it is.
 */
public final class Compositions extends AbstractMap<String, Composition> {

	private final Map<String, Composition> byName;

	/**
	 * Create the set.
	 * @param byName the compositions by name, in declaration order
	 */
	public Compositions(Map<String, Composition> byName) {
		this.byName = Collections.unmodifiableMap(new LinkedHashMap<>(byName));
	}

	/**
	 * The composition of a name.
	 * @param name the composition name
	 * @return the composition
	 * @throws IllegalArgumentException for an unknown name
	 */
	public Composition named(String name) {
		Composition composition = this.byName.get(name);
		if (composition == null) {
			throw new IllegalArgumentException(
					"composition: " + name + " (expected: one of " + this.byName.keySet() + ")");
		}
		return composition;
	}

	@Override
	public Set<Entry<String, Composition>> entrySet() {
		return this.byName.entrySet();
	}

	@Override
	public Composition get(Object name) {
		return this.byName.get(name);
	}

	@Override
	public boolean containsKey(Object name) {
		return this.byName.containsKey(name);
	}

}
