package io.ftgo.edge.helm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The root Dockerfile cannot be built here (no Docker); these keep it consistent with the
 * chart and the build: the uid, the jar path, the JVM flags.
 */
class DockerfileTests {

	private static final Path DOCKERFILE = Path.of("..", "Dockerfile");

	private static final Manifests DEFAULTS = HelmChart.render(Map.of());

	@Test
	void dockerfile_user_isTheNonRootUidTheChartRunsAs() throws IOException {

		String user = instruction("USER");

		for (String bff : List.of("mobile", "web", "public")) {
			Deployment deployment = DEFAULTS.get(Deployment.class, Manifests.name(bff));
			long runAsUser = deployment.getSpec().getTemplate().getSpec().getSecurityContext().getRunAsUser();
			assertThat(user).isEqualTo(runAsUser + ":" + runAsUser);
		}
		assertThat(user).doesNotStartWith("0").doesNotStartWith("root");
	}

	@Test
	void dockerfile_defaultJar_isTheModuleJarOfThisBuildVersion() throws IOException {

		String version = Pattern.compile("<parent>.*?<version>([^<]+)</version>", Pattern.DOTALL)
			.matcher(Files.readString(Path.of("pom.xml")))
			.results()
			.findFirst()
			.orElseThrow()
			.group(1);

		assertThat(instruction("ARG VERSION")).isEqualTo("=" + version);
		assertThat(instruction("ARG JAR")).isEqualTo("=${MODULE}/target/${MODULE}-${VERSION}.jar");
		for (String bff : List.of("mobile", "web", "public")) {
			Container container = Manifests.container(DEFAULTS.get(Deployment.class, Manifests.name(bff)));
			assertThat(container.getImage()).startsWith("ftgo/bff-" + bff + ":");
			assertThat(Path.of("..", "bff-" + bff, "pom.xml")).exists();
		}
	}

	@Test
	void dockerfile_jvmOptions_containerAwareHeapAndTmpOnTheWritableVolume() throws IOException {

		String options = instruction("ENV JAVA_TOOL_OPTIONS");

		assertThat(options).contains("-XX:MaxRAMPercentage=").contains("-Djava.io.tmpdir=/tmp");
		Container web = Manifests.container(DEFAULTS.get(Deployment.class, Manifests.name("web")));
		assertThat(web.getVolumeMounts()).anyMatch((mount) -> "/tmp".equals(mount.getMountPath()));
		assertThat(BffDeploymentTests.env(web, "JAVA_TOOL_OPTIONS")).contains("-Djava.io.tmpdir=/tmp");
	}

	/** The rest of the first line starting with the given instruction, trimmed. */
	private static String instruction(String prefix) throws IOException {
		Matcher matcher = Pattern.compile("^" + Pattern.quote(prefix) + "(\\S*)[ \\t]*([^\\n]*)$", Pattern.MULTILINE)
			.matcher(Files.readString(DOCKERFILE));
		assertThat(matcher.find()).as("%s in %s", prefix, DOCKERFILE).isTrue();
		String value = (matcher.group(1) + " " + matcher.group(2)).trim();
		return value.startsWith("=") ? value.replace("\"", "") : value;
	}

}
