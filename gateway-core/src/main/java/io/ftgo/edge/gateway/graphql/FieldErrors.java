package io.ftgo.edge.gateway.graphql;

import java.util.LinkedHashMap;
import java.util.Map;

import graphql.GraphQLError;
import graphql.GraphqlErrorBuilder;
import graphql.execution.ResultPath;
import graphql.language.SourceLocation;

import io.ftgo.edge.composition.CompositionException;
import io.ftgo.edge.composition.FailureReason;
import io.ftgo.edge.composition.PartMetadata;
import io.ftgo.edge.composition.ProviderCalls;

/**
 * The errors a field answers (message, location, path, classification and extensions),
 * built the same way for graphql-java's fetchers and the compiled executor.
 */
final class FieldErrors {

	private FieldErrors() {
	}

	static GraphQLError notFound(SourceLocation location, ResultPath path) {
		Map<String, Object> extensions = new LinkedHashMap<>();
		extensions.put("status", "failed");
		return build(location, path, EdgeGraphQlErrorType.NOT_FOUND, "Not found", extensions);
	}

	/** An optional field that walked its chain to the end. */
	static GraphQLError failure(SourceLocation location, ResultPath path, PartMetadata metadata) {
		EdgeGraphQlErrorType type = classify(metadata.reason(), metadata.httpStatus());
		Map<String, Object> extensions = new LinkedHashMap<>();
		extensions.put("reason", (metadata.reason() != null) ? metadata.reason().label() : "error");
		extensions.put("status", metadata.status().label());
		if (metadata.httpStatus() != null) {
			extensions.put("httpStatus", metadata.httpStatus());
		}
		return build(location, path, type, message(type), extensions);
	}

	static GraphQLError error(SourceLocation location, ResultPath path, Throwable error) {
		Map<String, Object> extensions = new LinkedHashMap<>();
		EdgeGraphQlErrorType type;
		if (error instanceof CompositionException failure) {
			type = EdgeGraphQlErrorType.of(failure.kind());
			extensions.put("reason", (failure.reason() != null) ? failure.reason().label() : "not-found");
			extensions.put("status", "failed");
			if (failure.provider() != null) {
				extensions.put("provider", failure.provider());
			}
		}
		else if (error instanceof ProviderCalls.BudgetExceeded budget) {
			type = EdgeGraphQlErrorType.CALL_BUDGET_EXCEEDED;
			extensions.put("budget", budget.budget());
			extensions.put("status", "omitted");
		}
		else {
			type = EdgeGraphQlErrorType.BAD_GATEWAY;
			extensions.put("reason", "error");
			extensions.put("status", "failed");
		}
		return build(location, path, type, message(type), extensions);
	}

	private static GraphQLError build(SourceLocation location, ResultPath path, EdgeGraphQlErrorType type,
			String message, Map<String, Object> extensions) {
		return GraphqlErrorBuilder.newError()
			.location(location)
			.path(path)
			.errorType(type)
			.message(message)
			.extensions(extensions)
			.build();
	}

	static EdgeGraphQlErrorType classify(FailureReason reason, Integer httpStatus) {
		if (reason == null) {
			return EdgeGraphQlErrorType.BAD_GATEWAY;
		}
		return switch (reason) {
			case TIMEOUT -> EdgeGraphQlErrorType.GATEWAY_TIMEOUT;
			case CIRCUIT_OPEN, BULKHEAD_FULL, CONCURRENCY_LIMIT, THROTTLED -> EdgeGraphQlErrorType.UNAVAILABLE;
			case HTTP_STATUS -> (httpStatus != null && httpStatus == 404) ? EdgeGraphQlErrorType.NOT_FOUND
					: EdgeGraphQlErrorType.BAD_GATEWAY;
			default -> EdgeGraphQlErrorType.BAD_GATEWAY;
		};
	}

	static String message(EdgeGraphQlErrorType type) {
		return switch (type) {
			case NOT_FOUND -> "Not found";
			case GATEWAY_TIMEOUT -> "A provider did not answer in time";
			case UNAVAILABLE -> "A provider is unavailable";
			case CALL_BUDGET_EXCEEDED -> "The request's provider-call budget is spent";
			default -> "A provider failed";
		};
	}

}
