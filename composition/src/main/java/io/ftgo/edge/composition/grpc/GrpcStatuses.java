package io.ftgo.edge.composition.grpc;

import io.grpc.Status;

/**
 * The one table from gRPC status to the HTTP status an HTTP provider would have answered
 * (composition/README.md, gRPC transport). From there the edge's rules for each kind of
 * call apply as for HTTP providers.
 */
public final class GrpcStatuses {

	private GrpcStatuses() {
	}

	/**
	 * The HTTP status of a gRPC status.
	 * @param code the gRPC status code (not {@code OK})
	 * @return the HTTP status
	 */
	public static int httpStatus(Status.Code code) {
		return switch (code) {
			case INVALID_ARGUMENT -> 400;
			case UNAUTHENTICATED -> 401;
			case PERMISSION_DENIED -> 403;
			case NOT_FOUND -> 404;
			case ALREADY_EXISTS, FAILED_PRECONDITION, ABORTED -> 409;
			case RESOURCE_EXHAUSTED -> 429;
			case UNAVAILABLE -> 503;
			case DEADLINE_EXCEEDED -> 504;
			default -> 500;
		};
	}

}
