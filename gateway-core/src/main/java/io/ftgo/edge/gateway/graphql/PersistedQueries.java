package io.ftgo.edge.gateway.graphql;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import graphql.language.AstPrinter;
import graphql.parser.Parser;

import org.springframework.core.io.Resource;
import org.springframework.core.io.support.ResourcePatternResolver;

import io.ftgo.edge.security.config.InvalidEdgeConfigurationException;

/**
 * The registered queries ({@code edge.graphql.persisted-queries.location}, one
 * {@code *.graphql} file each), read and parsed at start-up: by id (the file name without
 * {@code .graphql}), by the SHA-256 (hex) of the file's text, and by normalized document
 * (so a client that sends the full text of a registered query is recognized whatever its
 * whitespace).
 */
final class PersistedQueries {

	private final Map<String, String> byId = new LinkedHashMap<>();

	private final Map<String, String> byHash = new LinkedHashMap<>();

	private final Set<String> normalized = new java.util.HashSet<>();

	PersistedQueries(ResourcePatternResolver resolver, String location) {
		String pattern = (location.endsWith("/") ? location : location + "/") + "*.graphql";
		Resource[] resources;
		try {
			resources = resolver.getResources(pattern);
		}
		catch (IOException ex) {
			resources = new Resource[0];
		}
		for (Resource resource : resources) {
			String name = resource.getFilename();
			String text;
			try {
				text = resource.getContentAsString(StandardCharsets.UTF_8);
			}
			catch (IOException ex) {
				throw new InvalidEdgeConfigurationException("edge.graphql.persisted-queries.location", name,
						"readable *.graphql files");
			}
			String id = name.substring(0, name.length() - ".graphql".length());
			String compact;
			try {
				compact = normalize(text);
			}
			catch (RuntimeException ex) {
				throw new InvalidEdgeConfigurationException("edge.graphql.persisted-queries.location", name,
						"a valid GraphQL document");
			}
			this.byId.put(id, text);
			this.byHash.put(sha256(text), text);
			this.normalized.add(compact);
		}
	}

	/** The text of a registered query by id or hash, or {@code null}. */
	String find(String id, String hash) {
		if (id != null && this.byId.containsKey(id)) {
			return this.byId.get(id);
		}
		return (hash != null) ? this.byHash.get(hash.toLowerCase(java.util.Locale.ROOT)) : null;
	}

	/** Whether a document is one of the registered ones (whitespace aside). */
	boolean registered(String query) {
		try {
			return this.normalized.contains(normalize(query));
		}
		catch (RuntimeException ex) {
			return false;
		}
	}

	/** Registered queries by id. */
	Map<String, String> all() {
		return this.byId;
	}

	/** The hash a client sends for a query text. */
	static String sha256(String text) {
		try {
			return HexFormat.of()
				.formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static String normalize(String query) {
		return AstPrinter.printAstCompact(Parser.parse(query));
	}

}
