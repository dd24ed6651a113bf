package io.ftgo.edge.helm;

import java.nio.file.Path;
import java.util.stream.Stream;

import com.marcnuri.helm.LintResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code helm lint --strict} with each shipped values file, by the real Helm library.
 */
class ChartLintTests {

	static Stream<Arguments> shippedValues() {
		return Stream.of(Arguments.of("default", null), Arguments.of("production", HelmChart.PRODUCTION_VALUES),
				Arguments.of("minimal", HelmChart.MINIMAL_VALUES));
	}

	@ParameterizedTest(name = "lint_{0}Values_passesStrictWithoutWarnings")
	@MethodSource("shippedValues")
	void lint_shippedValues_passesStrictWithoutWarnings(String name, Path values) {

		LintResult result = HelmChart.lintStrict(values);

		assertThat(result.isFailed()).as("lint failed: %s", result.getMessages()).isFalse();
		assertThat(result.getMessages()).noneMatch((message) -> message.contains("[WARNING]"))
			.noneMatch((message) -> message.contains("[ERROR]"));
	}

	@Test
	void lint_badValues_failsNamingTheKeys() {

		LintResult result = HelmChart.lintStrict(HelmChart.BAD_VALUES);

		assertThat(result.isFailed()).isTrue();
		assertThat(String.join("\n", result.getMessages())).contains("/bffs/web/server/port").contains("replicas");
	}

}
