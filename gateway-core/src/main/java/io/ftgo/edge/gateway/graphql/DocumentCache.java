package io.ftgo.edge.gateway.graphql;

import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import graphql.ExecutionInput;
import graphql.execution.preparsed.PreparsedDocumentEntry;
import graphql.execution.preparsed.PreparsedDocumentProvider;
import graphql.language.Document;
import graphql.parser.Parser;

/**
 * Parsed (and, for graphql-java, validated) documents by query text, so a query the BFF
 * has seen is not parsed and validated again on every request: clients send the same few
 * documents (persisted queries, the app's own). Bounded; maintenance runs on the caller.
 */
final class DocumentCache implements PreparsedDocumentProvider {

	private final Cache<String, Document> parsed;

	private final Cache<String, PreparsedDocumentEntry> validated;

	private final Cache<String, QueryPlan> plans;

	private final Cache<String, PlannedOperation> operations;

	private final Cache<String, CompiledSelections.Result> compiled;

	DocumentCache(long maxSize) {
		this.parsed = Caffeine.newBuilder().maximumSize(maxSize).executor(Runnable::run).build();
		this.validated = Caffeine.newBuilder().maximumSize(maxSize).executor(Runnable::run).build();
		this.plans = Caffeine.newBuilder().maximumSize(maxSize).executor(Runnable::run).build();
		this.operations = Caffeine.newBuilder().maximumSize(maxSize).executor(Runnable::run).build();
		this.compiled = Caffeine.newBuilder().maximumSize(maxSize).executor(Runnable::run).build();
	}

	/**
	 * The compiled form of a document's operation for the compiled executor, or why it
	 * runs on graphql-java.
	 */
	CompiledSelections.Result compiled(String query, String operationName,
			java.util.function.Supplier<CompiledSelections.Result> compiler) {
		return this.compiled.get(query + '\u0000' + operationName, (k) -> compiler.get());
	}

	/** The compiled operation of a document (independent of the variables). */
	PlannedOperation operation(String query, String operationName,
			java.util.function.Supplier<PlannedOperation> compiler) {
		return this.operations.get(query + '\u0000' + operationName, (k) -> compiler.get());
	}

	/** The plan of a document, operation and variables (list sizes may be variables). */
	QueryPlan plan(String query, String operationName, java.util.Map<String, Object> variables,
			java.util.function.Supplier<QueryPlan> planner) {
		String key = query + '\u0000' + operationName + '\u0000' + variables;
		return this.plans.get(key, (k) -> planner.get());
	}

	/** The parsed document; an {@code InvalidSyntaxException} is not cached. */
	Document parse(String query) {
		return this.parsed.get(query, Parser::parse);
	}

	@Override
	public CompletableFuture<PreparsedDocumentEntry> getDocumentAsync(ExecutionInput input,
			Function<ExecutionInput, PreparsedDocumentEntry> parseAndValidate) {
		return CompletableFuture
			.completedFuture(this.validated.get(input.getQuery(), (q) -> parseAndValidate.apply(input)));
	}

}
