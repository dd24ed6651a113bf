package io.ftgo.edge.composition;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import io.ftgo.edge.composition.policy.ProviderSettings;

/**
 * The validated provider definitions ({@code edge.providers}), by provider id. Creating a
 * registry fails fast on bad settings, naming the key:
 * {@code edge.providers.kitchen.timeout: PT-1S (expected: > 0)}.
 */
public final class ProviderRegistry {

	private final Map<String, ProviderSettings> settings;

	private ProviderRegistry(Map<String, ProviderSettings> settings) {
		this.settings = settings;
	}

	/**
	 * Validates provider definitions.
	 * @param providers definitions by provider id
	 * @return the registry
	 * @throws IllegalArgumentException naming the key, the value and the expectation
	 */
	public static ProviderRegistry of(Map<String, ProviderDefinition> providers) {
		Map<String, ProviderSettings> settings = new LinkedHashMap<>();
		if (providers != null) {
			providers.forEach((id, definition) -> settings.put(id, ProviderSettings.from(id, definition)));
		}
		return new ProviderRegistry(Collections.unmodifiableMap(settings));
	}

	/**
	 * The provider ids.
	 * @return the ids, in definition order
	 */
	public Set<String> names() {
		return this.settings.keySet();
	}

	/**
	 * The validated settings of one provider.
	 * @param id the provider id
	 * @return its settings, or {@code null} for an unknown id
	 */
	public ProviderSettings provider(String id) {
		return this.settings.get(id);
	}

	Map<String, ProviderSettings> settings() {
		return this.settings;
	}

}
