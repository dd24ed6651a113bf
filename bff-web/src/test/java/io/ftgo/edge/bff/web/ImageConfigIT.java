package io.ftgo.edge.bff.web;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bff-web image as Jib builds it, read from the tarball that {@code verify} builds
 * ({@code jib:buildTar}, execution {@code image-test-tarball}): the same configuration
 * {@code jib:build} pushes, on an empty local base instead of the JRE base that no
 * registry here can serve. Checks what an operator relies on: non-root user, entrypoint
 * with the container JVM flags, HTTP and management ports, OCI labels, the image name the
 * Helm chart uses, and a reproducible layout (fixed times, root-owned files).
 */
class ImageConfigIT {

	static final JsonMapper json = JsonMapper.builder().build();

	static Map<String, byte[]> archive;

	static JsonNode config;

	@BeforeAll
	static void readArchive() throws IOException {
		Path tarball = Path.of(System.getProperty("image.tarball"));
		assertThat(tarball).as("jib:buildTar output").exists();
		try (InputStream in = Files.newInputStream(tarball)) {
			archive = Tar.read(in);
		}
		JsonNode manifest = json.readTree(archive.get("manifest.json")).get(0);
		config = json.readTree(archive.get(manifest.get("Config").asString()));
	}

	@Test
	void taggedWithTheNameTheHelmChartUses() {
		JsonNode manifest = json.readTree(archive.get("manifest.json")).get(0);
		assertThat(manifest.get("RepoTags").get(0).asString()).isEqualTo(System.getProperty("image.name"))
			.isEqualTo("ftgo/bff-web:0.1.0");
	}

	@Test
	void runsAsNonRootUser10001() {
		assertThat(config.at("/config/User").asString()).isEqualTo("10001:10001");
	}

	@Test
	void entrypointStartsTheBffWithContainerJvmFlags() {
		List<String> entrypoint = new ArrayList<>();
		config.at("/config/Entrypoint").forEach((arg) -> entrypoint.add(arg.asString()));
		assertThat(entrypoint).startsWith("java")
			.contains("-XX:MaxRAMPercentage=75.0", "-XX:+ExitOnOutOfMemoryError", "-Djava.io.tmpdir=/tmp")
			.endsWith(WebBffApplication.class.getName());
	}

	@Test
	void exposesHttpAndManagementPorts() {
		List<String> ports = new ArrayList<>();
		config.at("/config/ExposedPorts").propertyNames().forEach(ports::add);
		assertThat(ports).containsExactlyInAnyOrder("8082/tcp", "8092/tcp");
	}

	@Test
	void carriesOciLabels() {
		JsonNode labels = config.at("/config/Labels");
		assertThat(labels.get("org.opencontainers.image.title").asString()).isEqualTo("bff-web");
		assertThat(labels.get("org.opencontainers.image.version").asString()).isEqualTo("0.1.0");
		assertThat(labels.get("org.opencontainers.image.source").asString()).startsWith("https://");
		assertThat(labels.get("org.opencontainers.image.base.name").asString()).isEqualTo("eclipse-temurin:17-jre");
		assertThat(labels.get("org.opencontainers.image.description").asString()).isNotBlank();
	}

	@Test
	void reproducibleLayout() throws IOException {
		assertThat(config.get("created").asString()).isEqualTo("1970-01-01T00:00:00Z");
		JsonNode manifest = json.readTree(archive.get("manifest.json")).get(0);
		int files = 0;
		for (JsonNode layer : manifest.get("Layers")) {
			try (InputStream in = new GZIPInputStream(
					new java.io.ByteArrayInputStream(archive.get(layer.asString())))) {
				for (Tar.Entry entry : Tar.entries(in)) {
					assertThat(entry.mtime()).as(entry.name()).isEqualTo(1L);
					assertThat(entry.uid()).as(entry.name()).isZero();
					files++;
				}
			}
		}
		assertThat(files).isGreaterThan(50);
		assertThat(archive).containsKey("manifest.json");
	}

	/** Just enough of ustar/PAX to read an image archive. */
	static final class Tar {

		record Entry(String name, long mtime, long uid, byte[] data) {
		}

		static Map<String, byte[]> read(InputStream in) throws IOException {
			Map<String, byte[]> files = new LinkedHashMap<>();
			for (Entry entry : entries(in)) {
				files.put(entry.name(), entry.data());
			}
			return files;
		}

		static List<Entry> entries(InputStream in) throws IOException {
			List<Entry> entries = new ArrayList<>();
			String longName = null;
			byte[] header = new byte[512];
			while (in.readNBytes(header, 0, 512) == 512 && header[0] != 0) {
				String name = text(header, 0, 100);
				String prefix = text(header, 345, 155);
				if (!prefix.isEmpty()) {
					name = prefix + "/" + name;
				}
				long size = octal(header, 124, 12);
				byte[] data = in.readNBytes((int) size);
				in.skipNBytes((512 - size % 512) % 512);
				char type = (char) header[156];
				if (type == 'x') {
					longName = paxPath(data);
					continue;
				}
				if (type == 'L') {
					longName = text(data, 0, data.length);
					continue;
				}
				if (type == 'g') {
					continue;
				}
				if (longName != null) {
					name = longName;
					longName = null;
				}
				entries.add(new Entry(name, octal(header, 136, 12), octal(header, 108, 8), data));
			}
			return entries;
		}

		private static String paxPath(byte[] data) {
			for (String record : new String(data, StandardCharsets.UTF_8).split("\n")) {
				int eq = record.indexOf("path=");
				if (eq >= 0) {
					return record.substring(eq + 5);
				}
			}
			return null;
		}

		private static String text(byte[] bytes, int offset, int length) {
			ByteArrayOutputStream out = new ByteArrayOutputStream();
			for (int i = offset; i < offset + length && bytes[i] != 0; i++) {
				out.write(bytes[i]);
			}
			return out.toString(StandardCharsets.UTF_8);
		}

		private static long octal(byte[] bytes, int offset, int length) {
			String value = text(bytes, offset, length).trim();
			return value.isEmpty() ? 0 : Long.parseLong(value, 8);
		}

	}

}
