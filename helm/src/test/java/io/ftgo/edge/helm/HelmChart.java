package io.ftgo.edge.helm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.DryRun;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.InstallCommand;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.Release;
import com.marcnuri.helm.TemplateCommand;

/**
 * The ftgo-edge chart driven through the real Helm library (helm-java), without a
 * cluster.
 */
final class HelmChart {

	static final Path CHART = Path.of("ftgo-edge");

	static final Path PRODUCTION_VALUES = CHART.resolve("ci/production-values.yaml");

	static final Path MINIMAL_VALUES = CHART.resolve("ci/minimal-values.yaml");

	static final Path BAD_VALUES = Path.of("src/test/resources/values/bad-values.yaml");

	static final Path STUBS_IN_PRODUCTION_VALUES = Path.of("src/test/resources/values/stubs-in-production-values.yaml");

	static final String RELEASE = "ftgo-edge";

	static final String NAMESPACE = "ftgo";

	/**
	 * Capabilities used for rendering; Helm's own default (1.20) is below the chart's
	 * floor.
	 */
	static final String KUBE_VERSION = "v1.30.0";

	static final String HOOK_PREFIX = "test.ftgo.io/helm-";

	private static final YAMLMapper YAML = new YAMLMapper();

	private HelmChart() {
	}

	/** {@code helm template} with the chart's defaults plus {@code --set} pairs. */
	static Manifests render(Map<String, Object> set) {
		return render(null, set);
	}

	static Manifests render(Path valuesFile, Map<String, Object> set) {
		TemplateCommand template = new Helm(CHART).template()
			.withName(RELEASE)
			.withNamespace(NAMESPACE)
			.withKubeVersion(KUBE_VERSION);
		if (valuesFile != null) {
			template.withValuesFile(valuesFile);
		}
		set.forEach(template::set);
		return Manifests.parse(template.call());
	}

	/**
	 * The chart's hooks ({@code helm test} pods) rendered as plain objects. helm-java's
	 * template and dry-run return the release manifest without hooks, so this renders a
	 * copy of the chart whose {@code helm.sh/hook*} annotations are renamed to
	 * {@value #HOOK_PREFIX}{@code hook*}; only the objects that carried one are returned.
	 */
	static Manifests renderHooks(Map<String, Object> set) {
		Path copy = copyChart();
		try {
			try (Stream<Path> files = Files.walk(copy.resolve("templates"))) {
				for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
					String text = Files.readString(file);
					Files.writeString(file, text.replace("helm.sh/hook", HOOK_PREFIX + "hook"));
				}
			}
			TemplateCommand template = new Helm(copy).template()
				.withName(RELEASE)
				.withNamespace(NAMESPACE)
				.withKubeVersion(KUBE_VERSION);
			set.forEach(template::set);
			return Manifests.parse(template.call())
				.filter((object) -> object.getMetadata().getAnnotations() != null
						&& object.getMetadata().getAnnotations().containsKey(HOOK_PREFIX + "hook"));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		finally {
			delete(copy.getParent());
		}
	}

	/**
	 * The message of a failed {@code helm template}, or an assertion error if it
	 * rendered.
	 */
	static String renderFailure(Map<String, Object> set) {
		try {
			render(set);
		}
		catch (IllegalStateException ex) {
			return ex.getMessage();
		}
		throw new AssertionError("expected helm template to fail for " + set);
	}

	/**
	 * {@code helm install --dry-run=client} (client-only: no cluster is contacted), which
	 * validates the values against values.schema.json before rendering.
	 */
	static Release installDryRun(Path valuesFile, Map<String, Object> set) {
		InstallCommand install = new Helm(CHART).install()
			.withName(RELEASE)
			.withNamespace(NAMESPACE)
			.withKubeVersion(KUBE_VERSION)
			.clientOnly()
			.dryRun()
			.withDryRunOption(DryRun.CLIENT);
		if (valuesFile != null) {
			install.withValuesFile(valuesFile);
		}
		set.forEach(install::set);
		return install.call();
	}

	/**
	 * {@code helm lint --strict} as if the values file were passed with {@code -f}:
	 * helm-java's lint takes no values file, so the chart is copied and the file is
	 * merged over its values.yaml with Helm's rules (maps merge, everything else
	 * replaces).
	 */
	static LintResult lintStrict(Path valuesFile) {
		if (valuesFile == null) {
			return new Helm(CHART).lint().strict().call();
		}
		Path copy = copyChart();
		try {
			JsonNode defaults = YAML.readTree(CHART.resolve("values.yaml").toFile());
			JsonNode overrides = YAML.readTree(valuesFile.toFile());
			merge((ObjectNode) defaults, overrides);
			YAML.writeValue(copy.resolve("values.yaml").toFile(), defaults);
			return new Helm(copy).lint().strict().call();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		finally {
			delete(copy.getParent());
		}
	}

	static Map<String, Object> set(Object... keyValues) {
		Map<String, Object> set = new LinkedHashMap<>();
		for (int i = 0; i < keyValues.length; i += 2) {
			set.put((String) keyValues[i], keyValues[i + 1]);
		}
		return set;
	}

	private static void merge(ObjectNode target, JsonNode overrides) {
		overrides.properties().forEach((entry) -> {
			JsonNode current = target.get(entry.getKey());
			if (current instanceof ObjectNode currentObject && entry.getValue().isObject()) {
				merge(currentObject, entry.getValue());
			}
			else if (entry.getValue().isNull()) {
				target.remove(entry.getKey());
			}
			else {
				target.set(entry.getKey(), entry.getValue());
			}
		});
	}

	private static Path copyChart() {
		try {
			Path dir = Files.createTempDirectory(Path.of("target"), "lint-");
			Path copy = dir.resolve(CHART.getFileName().toString());
			try (Stream<Path> files = Files.walk(CHART)) {
				for (Path source : (Iterable<Path>) files::iterator) {
					Path target = copy.resolve(CHART.relativize(source).toString());
					if (Files.isDirectory(source)) {
						Files.createDirectories(target);
					}
					else {
						Files.copy(source, target);
					}
				}
			}
			return copy;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static void delete(Path dir) {
		try (Stream<Path> files = Files.walk(dir)) {
			files.sorted(Comparator.reverseOrder()).forEach((path) -> path.toFile().delete());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
