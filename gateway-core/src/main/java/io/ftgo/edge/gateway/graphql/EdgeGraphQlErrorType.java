package io.ftgo.edge.gateway.graphql;

import graphql.ErrorClassification;

import io.ftgo.edge.composition.CompositionException;

/**
 * The {@code extensions.classification} of the edge's GraphQL errors. Field failures use
 * the HTTP vocabulary of composed endpoints (each with the status REST would answer);
 * refusals say which limit the query broke, and a refused query made no provider call.
 */
public enum EdgeGraphQlErrorType implements ErrorClassification {

	/** 404: the object does not exist or is not the caller's. */
	NOT_FOUND(404),

	/** 502: the provider failed (5xx, connection, bad payload). */
	BAD_GATEWAY(502),

	/** 503: the provider's circuit is open or its bulkhead full. */
	UNAVAILABLE(503),

	/** 504: the provider was slower than its timeout or the request deadline. */
	GATEWAY_TIMEOUT(504),

	/**
	 * Refused: fields nested deeper than {@code edge.graphql.max-depth}, or selections
	 * (fields, fragment spreads, inline fragments) deeper than four times that.
	 */
	QUERY_TOO_DEEP(400),

	/**
	 * Refused: more work units (fields after fragment expansion, directives, variables)
	 * than {@code edge.graphql.max-work}.
	 */
	QUERY_TOO_LARGE(400),

	/** Refused: an argument or variable value does not fit its declared type. */
	INVALID_INPUT(400),

	/** Refused: cost above {@code edge.graphql.max-complexity}. */
	QUERY_TOO_COMPLEX(400),

	/**
	 * Refused: more planned provider calls than {@code edge.graphql.max-provider-calls}.
	 */
	CALL_BUDGET_EXCEEDED(400),

	/** Refused: a persisted query id or hash that is not registered. */
	PERSISTED_QUERY_NOT_FOUND(400),

	/** Refused: only registered queries run here. */
	PERSISTED_QUERY_REQUIRED(400),

	/** Refused: introspection is switched off. */
	INTROSPECTION_DISABLED(400),

	/** Refused: the document cannot be parsed or names no runnable operation. */
	INVALID_QUERY(400);

	private final int httpStatus;

	EdgeGraphQlErrorType(int httpStatus) {
		this.httpStatus = httpStatus;
	}

	/**
	 * The HTTP status REST would answer with.
	 * @return e.g. 504
	 */
	public int httpStatus() {
		return this.httpStatus;
	}

	/**
	 * The classification of a failed required call.
	 * @param kind the composition failure kind
	 * @return the classification
	 */
	public static EdgeGraphQlErrorType of(CompositionException.Kind kind) {
		return switch (kind) {
			case NOT_FOUND -> NOT_FOUND;
			case TIMEOUT -> GATEWAY_TIMEOUT;
			case UNAVAILABLE -> UNAVAILABLE;
			case BAD_REQUEST -> INVALID_QUERY;
			default -> BAD_GATEWAY;
		};
	}

}
