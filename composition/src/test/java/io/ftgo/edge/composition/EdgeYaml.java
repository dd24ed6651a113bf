package io.ftgo.edge.composition;

import java.io.InputStream;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import tools.jackson.core.JsonParser;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.module.SimpleModule;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Test stand-in for Boot's binder: reads {@code edge:} YAML into the declarative records
 * with the same conventions (kebab-case keys, case-insensitive enums, {@code 800ms}-style
 * durations).
 *
 * @param providers {@code edge.providers}
 * @param compositions {@code edge.compositions}
 */
record EdgeYaml(Map<String, ProviderDefinition> providers, Map<String, CompositionDefinition> compositions) {

	private record Root(EdgeYaml edge) {
	}

	private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)");

	static EdgeYaml read(String resource) {
		SimpleModule durations = new SimpleModule().addDeserializer(Duration.class, new ValueDeserializer<>() {
			@Override
			public Duration deserialize(JsonParser parser, DeserializationContext context) {
				String text = parser.getString().trim();
				Matcher m = DURATION.matcher(text);
				if (!m.matches()) {
					return Duration.parse(text);
				}
				long n = Long.parseLong(m.group(1));
				return switch (m.group(2)) {
					case "ms" -> Duration.ofMillis(n);
					case "s" -> Duration.ofSeconds(n);
					case "m" -> Duration.ofMinutes(n);
					case "h" -> Duration.ofHours(n);
					default -> Duration.ofDays(n);
				};
			}
		});
		YAMLMapper mapper = YAMLMapper.builder()
			.propertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
			.enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
			.addModule(durations)
			.build();
		try (InputStream in = EdgeYaml.class.getResourceAsStream(resource)) {
			return mapper.readValue(in, Root.class).edge();
		}
		catch (java.io.IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
