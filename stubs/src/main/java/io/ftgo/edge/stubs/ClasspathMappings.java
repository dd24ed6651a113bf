package io.ftgo.edge.stubs;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import com.github.tomakehurst.wiremock.common.Json;
import com.github.tomakehurst.wiremock.standalone.MappingsSource;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import com.github.tomakehurst.wiremock.stubbing.StubMappingCollection;
import com.github.tomakehurst.wiremock.stubbing.StubMappings;

/**
 * Loads one provider's seed mappings from the classpath, read-only.
 * <p>
 * Jar directories cannot be listed portably (a plain jar, Spring Boot's nested exec jar,
 * a directory), so the files are named in {@value #INDEX}, which the mapping generator
 * writes next to them; WireMock's own classpath source fails inside the exec jar.
 */
final class ClasspathMappings implements MappingsSource {

	static final String ROOT = "wiremock/";

	static final String INDEX = ROOT + "mappings.index";

	private final Provider provider;

	ClasspathMappings(Provider provider) {
		this.provider = provider;
	}

	/** The classpath resource names of this provider's mapping files, in index order. */
	List<String> resources() {
		String prefix = this.provider.id() + "/mappings/";
		List<String> resources = new ArrayList<>();
		for (String line : read(INDEX).split("\n")) {
			String name = line.trim();
			if (name.startsWith(prefix) && name.endsWith(".json")) {
				resources.add(ROOT + name);
			}
		}
		if (resources.isEmpty()) {
			throw new IllegalStateException("No mappings for provider '" + this.provider.id() + "' in " + INDEX);
		}
		return resources;
	}

	/** Every seed stub of this provider, as WireMock parses them. */
	List<StubMapping> stubs() {
		List<StubMapping> stubs = new ArrayList<>();
		for (String resource : resources()) {
			StubMappingCollection collection = Json.read(read(resource), StubMappingCollection.class);
			stubs.addAll(collection.getMappingOrMappings());
		}
		return stubs;
	}

	@Override
	public void loadMappingsInto(StubMappings stubMappings) {
		for (StubMapping stub : stubs()) {
			stub.setDirty(false);
			stubMappings.addMapping(stub);
		}
	}

	@Override
	public void save(List<StubMapping> stubMappings) {
		// Read-only: seed mappings change through the generator, not at runtime.
	}

	@Override
	public void save(StubMapping stubMapping) {
	}

	@Override
	public void remove(StubMapping stubMapping) {
	}

	@Override
	public void remove(UUID stubMappingId) {
	}

	@Override
	public void removeAll() {
	}

	private static String read(String resource) {
		ClassLoader loader = ClasspathMappings.class.getClassLoader();
		try (InputStream in = loader.getResourceAsStream(resource)) {
			if (in == null) {
				throw new IllegalStateException("Missing classpath resource " + resource
						+ " (is the stubs jar on the classpath and built from the generator's output?)");
			}
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not read " + resource, ex);
		}
	}

}
