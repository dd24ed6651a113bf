package io.ftgo.edge.gateway.support;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import reactor.netty.NettyPipeline;
import reactor.netty.http.server.HttpServer;

import org.springframework.http.HttpStatus;

import io.ftgo.edge.security.web.Problems;

/**
 * Connection-level protection of the application port against slow and greedy clients,
 * below Spring (a slow client never reaches a handler):
 * <ul>
 * <li>header timeout: from the first byte of a request, the request line and all headers
 * must arrive within {@code edge.server.header-timeout}; a client that dribbles header
 * bytes gets 408 problem+json and the connection is closed (Reactor Netty's idle timeout
 * never fires for it: every byte resets it);</li>
 * <li>body timeout: while the edge waits for request body bytes it asked for, a pause
 * longer than {@code edge.server.body-timeout} gets 408 (when no answer has started) and
 * the connection is closed;</li>
 * <li>connection cap: beyond {@code edge.server.max-connections} open connections a new
 * one is answered 503 problem+json and closed;</li>
 * <li>the 400, 414 and 431 answers Reactor Netty itself makes when a request line or the
 * headers exceed its limits carry a problem+json body like every other error.</li>
 * </ul>
 * The keep-alive idle limit is Reactor Netty's own idle timeout, set from
 * {@code edge.server.keep-alive-idle}.
 */
public final class ConnectionGuards {

	/** Pipeline name of the raw-bytes side (before the HTTP codec). */
	public static final String BYTES = "edge.guard.bytes";

	/** Pipeline name of the message side (after the HTTP codec). */
	public static final String MESSAGES = "edge.guard.messages";

	/** Pipeline name of the handler refusing connections beyond the cap. */
	public static final String REFUSE = "edge.guard.refuse";

	private final Duration headerTimeout;

	private final Duration bodyTimeout;

	private final int maxConnections;

	private final AtomicInteger open = new AtomicInteger();

	/**
	 * @param headerTimeout time for the request line and headers, from the first byte
	 * @param bodyTimeout longest pause in a body the edge is reading
	 * @param maxConnections open connections allowed
	 */
	public ConnectionGuards(Duration headerTimeout, Duration bodyTimeout, int maxConnections) {
		this.headerTimeout = headerTimeout;
		this.bodyTimeout = bodyTimeout;
		this.maxConnections = maxConnections;
	}

	/** Connections open now (for tests and metrics). */
	public int openConnections() {
		return this.open.get();
	}

	/**
	 * Installs the guards on every HTTP/1.1 connection of the server.
	 * @param server the server to configure
	 * @return the configured server
	 */
	public HttpServer install(HttpServer server) {
		return server.doOnChannelInit((observer, channel, remoteAddress) -> {
			ChannelPipeline pipeline = channel.pipeline();
			if (pipeline.get(NettyPipeline.HttpCodec) == null || pipeline.get(BYTES) != null) {
				return;
			}
			int now = this.open.incrementAndGet();
			channel.closeFuture().addListener((future) -> this.open.decrementAndGet());
			if (now > this.maxConnections) {
				pipeline.addFirst(REFUSE, new Refuse());
				return;
			}
			State state = new State();
			pipeline.addBefore(NettyPipeline.HttpCodec, BYTES, new Bytes(state));
			pipeline.addAfter(NettyPipeline.HttpCodec, MESSAGES, new Messages(state));
		});
	}

	/** The raw answer written below the codec: status line, headers, problem body. */
	static ByteBuf rawProblem(HttpStatus status) {
		byte[] body = Problems.json(Problems.forStatus(status), null);
		String head = "HTTP/1.1 " + status.value() + " " + status.getReasonPhrase() + "\r\n"
				+ "Content-Type: application/problem+json\r\n" + "Cache-Control: no-store\r\n" + "Content-Length: "
				+ body.length + "\r\n" + "Connection: close\r\n\r\n";
		return Unpooled.wrappedBuffer(head.getBytes(StandardCharsets.US_ASCII), body);
	}

	/** Per-connection state shared by both sides. */
	static final class State {

		/** Bytes of a request arrived, its headers are not complete yet. */
		boolean readingHeaders;

		/** The request's headers are complete and its body is not. */
		boolean readingBody;

		/** An answer has started and not ended. */
		boolean answering;

		/** The armed header or body timer, or null. */
		ScheduledFuture<?> timer;

		ChannelHandlerContext bytes;

		/** What an expired timer runs (one per connection, not one per timer). */
		final Runnable expire = this::expire;

		void cancel() {
			if (this.timer != null) {
				this.timer.cancel(false);
				this.timer = null;
			}
		}

		void expire() {
			this.timer = null;
			Channel channel = this.bytes.channel();
			if (!channel.isActive()) {
				return;
			}
			if (this.answering) {
				channel.close();
				return;
			}
			this.readingHeaders = false;
			this.readingBody = false;
			this.bytes.writeAndFlush(rawProblem(HttpStatus.REQUEST_TIMEOUT)).addListener(ChannelFutureListener.CLOSE);
		}

	}

	/**
	 * Before the codec: sees raw bytes; arms the header timer at a request's first byte.
	 */
	final class Bytes extends ChannelInboundHandlerAdapter {

		private final State state;

		Bytes(State state) {
			this.state = state;
		}

		@Override
		public void handlerAdded(ChannelHandlerContext ctx) {
			this.state.bytes = ctx;
		}

		@Override
		public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
			State s = this.state;
			if (msg instanceof ByteBuf buffer && buffer.isReadable()) {
				if (s.readingBody) {
					// Body bytes arrived: the pause is over.
					s.cancel();
				}
				else if (!s.readingHeaders) {
					s.readingHeaders = true;
					s.cancel();
					s.timer = ctx.executor()
						.schedule(s.expire, ConnectionGuards.this.headerTimeout.toMillis(), TimeUnit.MILLISECONDS);
				}
			}
			super.channelRead(ctx, msg);
		}

		@Override
		public void channelInactive(ChannelHandlerContext ctx) throws Exception {
			this.state.cancel();
			super.channelInactive(ctx);
		}

	}

	/**
	 * After the codec: sees decoded requests (headers complete) and body parts, the reads
	 * the application asks for, and the answers it writes.
	 */
	final class Messages extends ChannelDuplexHandler {

		private final State state;

		Messages(State state) {
			this.state = state;
		}

		@Override
		public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
			State s = this.state;
			if (msg instanceof HttpRequest) {
				s.readingHeaders = false;
				s.readingBody = true;
				s.cancel();
			}
			if (msg instanceof HttpContent) {
				s.cancel();
				if (msg instanceof LastHttpContent) {
					s.readingBody = false;
				}
			}
			super.channelRead(ctx, msg);
		}

		@Override
		public void read(ChannelHandlerContext ctx) throws Exception {
			State s = this.state;
			if (s.readingBody && s.timer == null) {
				s.timer = ctx.executor()
					.schedule(s.expire, ConnectionGuards.this.bodyTimeout.toMillis(), TimeUnit.MILLISECONDS);
			}
			super.read(ctx);
		}

		@Override
		public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
			State s = this.state;
			Object out = msg;
			if (msg instanceof HttpResponse) {
				s.answering = true;
				if (msg instanceof FullHttpResponse full) {
					out = withProblemBody(full);
				}
			}
			if (msg instanceof LastHttpContent) {
				s.answering = false;
			}
			super.write(ctx, out, promise);
		}

		/**
		 * Reactor Netty's own refusals (400, 414, 431 for a request it could not decode)
		 * have an empty body: give them the edge's problem+json.
		 */
		private Object withProblemBody(FullHttpResponse response) {
			int code = response.status().code();
			if (!(code == 400 || code == 414 || code == 431) || response.content().isReadable()
					|| response.headers().contains(HttpHeaderNames.CONTENT_TYPE)) {
				return response;
			}
			HttpStatus status = HttpStatus.valueOf(code);
			byte[] body = Problems.json(Problems.forStatus(status), null);
			FullHttpResponse replaced = new DefaultFullHttpResponse(response.protocolVersion(),
					HttpResponseStatus.valueOf(code), Unpooled.wrappedBuffer(body));
			replaced.headers().set(response.headers());
			replaced.headers()
				.set(HttpHeaderNames.CONTENT_TYPE, "application/problem+json")
				.set(HttpHeaderNames.CACHE_CONTROL, "no-store")
				.setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
			ReferenceCountUtil.release(response);
			return replaced;
		}

	}

	/** Beyond the cap: 503 problem+json, then closed; nothing is read or decoded. */
	static final class Refuse extends ChannelInboundHandlerAdapter {

		private boolean refused;

		@Override
		public void handlerAdded(ChannelHandlerContext ctx) {
			if (ctx.channel().isActive()) {
				refuse(ctx);
			}
		}

		@Override
		public void channelActive(ChannelHandlerContext ctx) {
			refuse(ctx);
		}

		private void refuse(ChannelHandlerContext ctx) {
			if (!this.refused) {
				this.refused = true;
				ctx.writeAndFlush(rawProblem(HttpStatus.SERVICE_UNAVAILABLE)).addListener(ChannelFutureListener.CLOSE);
			}
		}

		@Override
		public void channelRead(ChannelHandlerContext ctx, Object msg) {
			ReferenceCountUtil.release(msg);
		}

	}

}
