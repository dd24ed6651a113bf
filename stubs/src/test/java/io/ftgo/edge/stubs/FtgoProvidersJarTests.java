package io.ftgo.edge.stubs;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

import com.github.tomakehurst.wiremock.WireMockServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The mappings load from a jar, not only from target/classes: the stubs classes and
 * resources are packed into a jar and loaded in an isolated class loader next to WireMock
 * alone.
 */
class FtgoProvidersJarTests {

	@Test
	void startOnRandomPorts_fromAJar_servesTheSeeds(@TempDir Path temp) throws Exception {
		Path jar = jarOf(Path.of("target/classes"), temp.resolve("stubs.jar"));
		URL wiremock = WireMockServer.class.getProtectionDomain().getCodeSource().getLocation();

		try (URLClassLoader loader = new URLClassLoader(new URL[] { jar.toUri().toURL(), wiremock },
				ClassLoader.getPlatformClassLoader())) {
			Class<?> type = loader.loadClass(FtgoProviders.class.getName());
			AutoCloseable providers = (AutoCloseable) type.getMethod("startOnRandomPorts").invoke(null);
			try (providers) {
				Map<?, ?> urls = (Map<?, ?>) type.getMethod("baseUrls").invoke(providers);
				String orders = urls.entrySet()
					.stream()
					.filter((entry) -> entry.getKey().toString().equals("ORDER"))
					.map((entry) -> (String) entry.getValue())
					.findFirst()
					.orElseThrow();

				HttpResponse<String> response = Http.get(orders + "/orders/7001");

				assertThat(type.getClassLoader()).isSameAs(loader);
				assertThat(type.getProtectionDomain().getCodeSource().getLocation().toString()).endsWith("stubs.jar");
				assertThat(response.statusCode()).isEqualTo(200);
				assertThat(response.body()).contains("\"orderTotal\":\"61.70\"");
			}
		}
	}

	private static Path jarOf(Path classes, Path jar) throws IOException {
		List<Path> files;
		try (Stream<Path> walk = Files.walk(classes)) {
			files = walk.filter(Files::isRegularFile).sorted().toList();
		}
		try (OutputStream out = Files.newOutputStream(jar); JarOutputStream jarOut = new JarOutputStream(out)) {
			for (Path file : files) {
				jarOut.putNextEntry(new JarEntry(classes.relativize(file).toString().replace('\\', '/')));
				Files.copy(file, jarOut);
				jarOut.closeEntry();
			}
		}
		return jar;
	}

}
