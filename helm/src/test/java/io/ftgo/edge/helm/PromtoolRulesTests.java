package io.ftgo.edge.helm;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The chart's alerts, as rendered with the default thresholds, checked and unit-tested by
 * {@code promtool} (Debian's {@code prometheus} package): {@code check rules}, then
 * {@code test rules src/test/promtool/ftgo-edge-alerts-test.yaml}. Without promtool on
 * the PATH the tests are skipped with a loud message, except under CI ({@code CI=true},
 * where .ci/run installs it), where its absence fails.
 */
class PromtoolRulesTests {

	static final Path DIR = Path.of("target", "promtool");

	static String promtool;

	@BeforeAll
	static void renderRules() throws IOException {
		promtool = findPromtool();
		if (promtool == null) {
			String message = "promtool not found on the PATH: the alert rule unit tests did NOT run "
					+ "(apt-get install prometheus; .ci/run installs it)";
			if ("true".equalsIgnoreCase(System.getenv("CI"))) {
				throw new AssertionError(message + " and CI=true requires them");
			}
			System.err.println("\n*** SKIPPED: " + message + " ***\n");
		}
		Files.createDirectories(DIR);
		GenericKubernetesResource rule = MonitoringTests.renderRule(Map.of());
		new YAMLMapper().writeValue(DIR.resolve("ftgo-edge-rules.yaml").toFile(),
				rule.getAdditionalProperties().get("spec"));
		Files.copy(Path.of("src/test/promtool/ftgo-edge-alerts-test.yaml"), DIR.resolve("ftgo-edge-alerts-test.yaml"),
				java.nio.file.StandardCopyOption.REPLACE_EXISTING);
	}

	@Test
	void checkRules() throws Exception {
		assertThat(promtool("check", "rules", "ftgo-edge-rules.yaml")).contains("SUCCESS: 5 rules found");
	}

	@Test
	void testRules() throws Exception {
		assertThat(promtool("test", "rules", "ftgo-edge-alerts-test.yaml")).contains("SUCCESS");
	}

	private static String promtool(String... args) throws Exception {
		Assumptions.assumeTrue(promtool != null, "promtool not on the PATH (apt-get install prometheus)");
		List<String> command = new java.util.ArrayList<>(List.of(promtool));
		command.addAll(List.of(args));
		Process process = new ProcessBuilder(command).directory(DIR.toFile()).redirectErrorStream(true).start();
		assertThat(process.waitFor(2, TimeUnit.MINUTES)).as("promtool finished").isTrue();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		System.out.println("promtool " + String.join(" ", args) + ":\n" + output);
		assertThat(process.exitValue()).as(output).isZero();
		return output;
	}

	private static String findPromtool() {
		for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
			Path candidate = Path.of(dir, "promtool");
			if (Files.isExecutable(candidate)) {
				return candidate.toString();
			}
		}
		return null;
	}

}
