package io.ftgo.edge.stubs.grpc;

import java.net.SocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.nio.NioServerSocketChannel;

/**
 * A server socket channel that keeps the connections it accepts by remote address, so
 * that a {@link GrpcFault#dropConnection() drop} fault can close the connection that
 * carries a call (gRPC tells a call its remote address, not its connection).
 */
final class TrackingServerChannel extends NioServerSocketChannel {

	private final Map<SocketAddress, Channel> connections;

	TrackingServerChannel(Map<SocketAddress, Channel> connections) {
		this.connections = connections;
	}

	@Override
	protected int doReadMessages(List<Object> buf) throws Exception {
		int first = buf.size();
		int accepted = super.doReadMessages(buf);
		for (int i = first; i < buf.size(); i++) {
			if (buf.get(i) instanceof Channel connection && connection.remoteAddress() != null) {
				SocketAddress remote = connection.remoteAddress();
				this.connections.put(remote, connection);
				connection.closeFuture().addListener((future) -> this.connections.remove(remote, connection));
			}
		}
		return accepted;
	}

	/** The accepted connections, by remote address (a live view). */
	static Map<SocketAddress, Channel> newRegistry() {
		return new ConcurrentHashMap<>();
	}

	/**
	 * Closes the connection from this remote address at once, with a TCP reset (SO_LINGER
	 * 0).
	 * @return whether there was such a connection
	 */
	static boolean reset(Map<SocketAddress, Channel> connections, SocketAddress remote) {
		Channel connection = (remote != null) ? connections.get(remote) : null;
		if (connection == null) {
			return false;
		}
		connection.config().setOption(ChannelOption.SO_LINGER, 0);
		// Straight to the socket: a close through the pipeline would reach gRPC's HTTP/2
		// handler, which shuts down gracefully (GOAWAY, then waits for the open streams).
		connection.eventLoop().execute(() -> connection.unsafe().close(connection.unsafe().voidPromise()));
		return true;
	}

}
