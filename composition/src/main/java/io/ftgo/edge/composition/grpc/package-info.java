/**
 * The gRPC transport of the provider client ({@code transport: grpc}): one long-lived
 * channel per provider, non-blocking calls adapted to {@code Mono}, JSON &harr; protobuf
 * with the ids of REST answers, and the gRPC status &rarr; HTTP status table.
 */
package io.ftgo.edge.composition.grpc;
