package io.ftgo.edge.stubs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The committed mapping files are what every consumer uses; the generator is how they are
 * written. This test fails when the two drift, and rewrites the files when run with
 * {@code -Dftgo.stubs.regenerate=true}.
 */
class StubMappingsGeneratorTests {

	private static final Path ROOT = Path.of("src/main/resources/wiremock");

	@Test
	void mappingFiles_comparedWithGenerator_areIdentical() throws IOException {
		if (Boolean.getBoolean("ftgo.stubs.regenerate")) {
			StubMappingsGenerator.write(ROOT);
		}
		Map<String, String> generated = StubMappingsGenerator.files();

		TreeSet<String> committed = new TreeSet<>();
		try (Stream<Path> paths = Files.walk(ROOT)) {
			paths.filter(Files::isRegularFile)
				.forEach((path) -> committed.add(ROOT.relativize(path).toString().replace('\\', '/')));
		}

		assertThat(committed).as("files under %s (regenerate: -Dftgo.stubs.regenerate=true)", ROOT)
			.containsExactlyElementsOf(new TreeSet<>(generated.keySet()));
		for (Map.Entry<String, String> file : generated.entrySet()) {
			assertThat(Files.readString(ROOT.resolve(file.getKey()), StandardCharsets.UTF_8))
				.as("%s differs from the generator (regenerate: -Dftgo.stubs.regenerate=true)", file.getKey())
				.isEqualTo(file.getValue());
		}
	}

}
