package io.ftgo.edge.helm;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The chart's defaults run the images the build makes with Jib (root pom,
 * {@code image.registry}, {@code image.tag}, {@code image.user}; bff-web's ImageConfigIT
 * reads the built image): same names and tag, same non-root uid, and the JVM's temp
 * directory on the chart's writable {@code /tmp}.
 */
class ImageDefaultsTests {

	private static final Manifests DEFAULTS = HelmChart.render(Map.of("stubs.enabled", "true"));

	@Test
	void chartAppVersion_isTheImageTag() throws IOException {
		String chart = Files.readString(HelmChart.CHART.resolve("Chart.yaml"));
		assertThat(chart).containsPattern("(?m)^appVersion: \"?" + System.getProperty("image.tag") + "\"?$");
	}

	@Test
	void defaultImages_areTheJibImageNames() {
		String registry = System.getProperty("image.registry");
		String tag = System.getProperty("image.tag");
		for (String bff : List.of("mobile", "web", "public")) {
			Container container = Manifests.container(DEFAULTS.get(Deployment.class, Manifests.name(bff)));
			assertThat(container.getImage()).isEqualTo(registry + "bff-" + bff + ":" + tag);
		}
		Deployment stubs = DEFAULTS.get(Deployment.class, HelmChart.RELEASE + "-stubs");
		assertThat(Manifests.container(stubs).getImage()).isEqualTo(registry + "stubs:" + tag);
	}

	@Test
	void podsRunAsTheImageUser() {
		String user = System.getProperty("image.user");
		for (String bff : List.of("mobile", "web", "public")) {
			PodSpec pod = DEFAULTS.get(Deployment.class, Manifests.name(bff)).getSpec().getTemplate().getSpec();
			assertThat(pod.getSecurityContext().getRunAsUser() + ":" + pod.getSecurityContext().getRunAsGroup())
				.isEqualTo(user);
		}
	}

	@Test
	void jvmTempDirectory_isTheWritableTmpVolume() {
		Container web = Manifests.container(DEFAULTS.get(Deployment.class, Manifests.name("web")));
		assertThat(web.getVolumeMounts()).anyMatch((mount) -> "/tmp".equals(mount.getMountPath()));
		assertThat(BffDeploymentTests.env(web, "JAVA_TOOL_OPTIONS")).contains("-Djava.io.tmpdir=/tmp");
	}

}
