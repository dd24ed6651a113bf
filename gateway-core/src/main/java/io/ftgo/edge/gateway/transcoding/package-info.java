/**
 * Transcoded routes ({@code edge.transcoding.routes}): an HTTP method and path mapped to
 * a gRPC method of a {@code transport: grpc} provider, outside the {@code .proto}.
 */
package io.ftgo.edge.gateway.transcoding;
