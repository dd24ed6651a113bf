package io.ftgo.edge.gateway.cache;

import java.util.ArrayList;
import java.util.List;

import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.server.reactive.AbstractServerHttpResponse;

/**
 * A response that goes nowhere: the answer of a background revalidation, collected in
 * memory (at most {@code max} bytes) and never written to a client connection.
 */
final class CapturedResponse extends AbstractServerHttpResponse {

	private final long max;

	private byte[] body;

	CapturedResponse(DataBufferFactory buffers, long max) {
		super(buffers);
		this.max = max;
	}

	/**
	 * The body, or {@code null} when none was written or it was larger than the limit.
	 */
	byte[] body() {
		return this.body;
	}

	@Override
	public <T> T getNativeResponse() {
		throw new IllegalStateException("A background revalidation has no native response");
	}

	@Override
	protected Mono<Void> writeWithInternal(Publisher<? extends DataBuffer> body) {
		return Flux.from(body).collectList().doOnNext(this::collect).then();
	}

	@Override
	protected Mono<Void> writeAndFlushWithInternal(Publisher<? extends Publisher<? extends DataBuffer>> body) {
		return Flux.from(body).concatMap(Flux::from).collectList().doOnNext(this::collect).then();
	}

	private void collect(List<? extends DataBuffer> buffers) {
		long size = 0;
		for (DataBuffer buffer : buffers) {
			size += buffer.readableByteCount();
		}
		if (size <= this.max) {
			byte[] bytes = new byte[(int) size];
			int offset = 0;
			for (DataBuffer buffer : new ArrayList<>(buffers)) {
				int length = buffer.readableByteCount();
				buffer.read(bytes, offset, length);
				offset += length;
			}
			this.body = bytes;
		}
		buffers.forEach(DataBufferUtils::release);
	}

	@Override
	protected void applyStatusCode() {
	}

	@Override
	protected void applyHeaders() {
	}

	@Override
	protected void applyCookies() {
	}

}
