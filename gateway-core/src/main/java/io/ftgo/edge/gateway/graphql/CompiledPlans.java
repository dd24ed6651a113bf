package io.ftgo.edge.gateway.graphql;

import java.util.Map;
import java.util.Optional;

import graphql.language.Document;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import reactor.core.publisher.Mono;

import org.springframework.graphql.execution.GraphQlSource;

/**
 * {@code edge.graphql.compiled-plans}: a query whose document the edge has seen (a
 * persisted query, or any cached document) and validated runs as a {@link CompiledQuery}
 * when its shape compiles ({@link CompiledSelections}); any other runs on graphql-java.
 * The compiled form (or the reason there is none) is kept per document and operation in
 * the {@link DocumentCache}. Counted in {@code edge.graphql.executions}, tagged
 * {@code execution=compiled} or {@code execution=graphql-java}.
 */
final class CompiledPlans {

	private final boolean enabled;

	private final GraphQlSource source;

	private final GraphQlFields fields;

	private final FieldResolver resolver;

	private final DocumentCache documents;

	private final Counter compiledRuns;

	private final Counter graphQlJavaRuns;

	CompiledPlans(boolean enabled, GraphQlSource source, GraphQlFields fields, FieldResolver resolver,
			DocumentCache documents, MeterRegistry meters) {
		this.compiledRuns = (meters != null) ? counter(meters, "compiled") : null;
		this.graphQlJavaRuns = (meters != null) ? counter(meters, "graphql-java") : null;
		this.enabled = enabled;
		this.source = source;
		this.fields = fields;
		this.resolver = resolver;
		this.documents = documents;
	}

	/** The compiled form of a document's operation, or why it runs on graphql-java. */
	CompiledSelections.Result compile(String query, Document parsed, String operationName) {
		return this.documents.compiled(query, operationName,
				() -> new CompiledSelections(this.source.schema(), this.fields).compile(parsed, operationName));
	}

	/**
	 * The compiled answer ({@code errors}, {@code data}), or empty when graphql-java
	 * answers this request (switched off, a shape that does not compile, or a value only
	 * graphql-java answers exactly).
	 */
	Mono<Optional<Map<String, Object>>> execute(String query, Document parsed, String operationName,
			Map<String, Object> variables, GraphQlExecution execution) {
		CompiledSelections.Result compiled = this.enabled ? compile(query, parsed, operationName) : null;
		if (compiled == null || compiled.operation() == null) {
			count(this.graphQlJavaRuns);
			return Mono.just(Optional.empty());
		}
		return new CompiledQuery(this.source.schema(), compiled.operation(), this.resolver)
			.execute(execution, variables)
			.doOnNext((answer) -> count(answer.isPresent() ? this.compiledRuns : this.graphQlJavaRuns));
	}

	private static Counter counter(MeterRegistry meters, String execution) {
		return Counter.builder("edge.graphql.executions")
			.description("GraphQL operations executed, by compiled plan or by graphql-java")
			.tag("execution", execution)
			.register(meters);
	}

	private static void count(Counter counter) {
		if (counter != null) {
			counter.increment();
		}
	}

}
