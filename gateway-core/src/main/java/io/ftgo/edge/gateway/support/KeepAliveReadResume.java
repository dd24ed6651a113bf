package io.ftgo.edge.gateway.support;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import reactor.netty.NettyPipeline;
import reactor.netty.http.server.HttpServer;

/**
 * Keeps an HTTP/1.1 keep-alive connection reading after each exchange, working around
 * reactor/reactor-netty#4361 (fixed upstream after the Reactor Netty versions served
 * here).
 * <p>
 * Reactor Netty reads on demand. When a request arrives on a keep-alive connection before
 * the previous exchange has terminated (the client already has the whole answer; the
 * server's handler completes a moment later, e.g. on another thread), it is queued; if
 * that queued request then completes synchronously, the queue drains without anyone
 * asking the channel for the next read, and the connection hangs: the client's next
 * request is never read, and no idle timeout reaps it. Measured on the management port
 * (health, health, prometheus on one connection): about one sequence in a hundred hung.
 * <p>
 * This handler sits after Reactor Netty's traffic handler and, when an exchange has
 * terminated, asks the channel for one more read, after the traffic handler's own drain
 * task. An extra read is harmless: a read already pending is not doubled, and a request
 * read early is queued by the traffic handler exactly as a pipelined one is.
 */
public final class KeepAliveReadResume extends ChannelInboundHandlerAdapter {

	/** The handler's name in the channel pipeline. */
	public static final String NAME = "edge.keepAliveReadResume";

	/**
	 * Reactor Netty's (package-private) event for a terminated exchange; the test of this
	 * class fails if it is renamed.
	 */
	static final String TERMINATED_EVENT = "reactor.netty.http.server.HttpServerOperationsTerminatedEvent";

	/**
	 * Installs the handler on every HTTP/1.1 connection of the server.
	 * @param server the server to configure
	 * @return the configured server
	 */
	public static HttpServer install(HttpServer server) {
		return server.doOnChannelInit((observer, channel, remoteAddress) -> {
			ChannelPipeline pipeline = channel.pipeline();
			if (pipeline.get(NettyPipeline.HttpTrafficHandler) != null && pipeline.get(NAME) == null) {
				pipeline.addAfter(NettyPipeline.HttpTrafficHandler, NAME, new KeepAliveReadResume());
			}
		});
	}

	@Override
	public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
		if (TERMINATED_EVENT.equals(event.getClass().getName())) {
			Channel channel = ctx.channel();
			// Queued after the traffic handler's drain task, which is scheduled the same
			// way when its queue is not empty.
			ctx.executor().execute(() -> {
				if (channel.isActive() && !channel.config().isAutoRead()) {
					channel.read();
				}
			});
		}
		super.userEventTriggered(ctx, event);
	}

}
