package io.ftgo.edge.gateway.support;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The keep-alive stall of reactor/reactor-netty#4361 on a real server over loopback: a
 * first request answered asynchronously with two more pipelined behind it, then a fourth
 * request on the same connection.
 */
class KeepAliveReadResumeTests {

	private static final String GET = "GET /%s HTTP/1.1\r\nHost: localhost\r\n\r\n";

	@Test
	void queuedRequestsCompletingSynchronously_connectionKeepsReading() throws IOException {
		DisposableServer server = start(KeepAliveReadResume::install);
		try (Socket socket = new Socket("127.0.0.1", server.port())) {
			socket.setSoTimeout(5000);
			for (int round = 0; round < 3; round++) {
				send(socket, GET.formatted("first") + GET.formatted("second") + GET.formatted("third"));
				assertThat(readAnswers(socket, 3)).isEqualTo(3);
			}
			send(socket, GET.formatted("fourth"));
			assertThat(readAnswers(socket, 1)).isEqualTo(1);
		}
		finally {
			server.disposeNow();
		}
	}

	/**
	 * Proves the scenario above reproduces the stall: without the handler the fourth
	 * request is never read. If this fails after a Reactor Netty upgrade, the upstream
	 * fix has arrived and {@link KeepAliveReadResume} can go.
	 */
	@Test
	void withoutTheHandler_theFourthRequestIsNeverRead() throws IOException {
		DisposableServer server = start(UnaryOperator.identity());
		try (Socket socket = new Socket("127.0.0.1", server.port())) {
			socket.setSoTimeout(2000);
			send(socket, GET.formatted("first") + GET.formatted("second") + GET.formatted("third"));
			assertThat(readAnswers(socket, 3)).isEqualTo(3);
			send(socket, GET.formatted("fourth"));
			assertThatThrownBy(() -> readAnswers(socket, 1)).isInstanceOf(SocketTimeoutException.class);
		}
		finally {
			server.disposeNow();
		}
	}

	@Test
	void terminatedEventStillHasTheNameTheHandlerListensFor() throws ClassNotFoundException {
		assertThat(Class.forName(KeepAliveReadResume.TERMINATED_EVENT)).isNotNull();
	}

	private static DisposableServer start(UnaryOperator<HttpServer> customizer) {
		HttpServer server = HttpServer.create().host("127.0.0.1").port(0).handle((request, response) -> {
			Mono<String> body = request.uri().equals("/first") ? Mono.delay(Duration.ofMillis(50)).thenReturn("ok")
					: Mono.just("ok");
			return response.header("Content-Length", "2").sendString(body);
		});
		return customizer.apply(server).bindNow(Duration.ofSeconds(10));
	}

	private static void send(Socket socket, String requests) throws IOException {
		socket.getOutputStream().write(requests.getBytes(StandardCharsets.US_ASCII));
		socket.getOutputStream().flush();
	}

	/** Reads until {@code expected} complete "ok" answers have arrived. */
	private static int readAnswers(Socket socket, int expected) throws IOException {
		InputStream in = socket.getInputStream();
		StringBuilder received = new StringBuilder();
		int answers = 0;
		byte[] buffer = new byte[4096];
		while (answers < expected) {
			int n = in.read(buffer);
			if (n < 0) {
				throw new IOException("connection closed after " + answers + " answers: " + received);
			}
			received.append(new String(buffer, 0, n, StandardCharsets.US_ASCII));
			answers = count(received, "\r\n\r\nok");
		}
		return answers;
	}

	private static int count(CharSequence text, String part) {
		int count = 0;
		for (int i = text.toString().indexOf(part); i >= 0; i = text.toString().indexOf(part, i + 1)) {
			count++;
		}
		return count;
	}

}
