package io.ftgo.edge.gateway.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/** HTTP/1.1 over a plain socket, for what a well-behaved client library will not send. */
final class RawHttp implements AutoCloseable {

	final Socket socket;

	RawHttp(int port) throws IOException {
		this.socket = new Socket("127.0.0.1", port);
		this.socket.setSoTimeout(30_000);
	}

	RawHttp send(String text) throws IOException {
		this.socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
		this.socket.getOutputStream().flush();
		return this;
	}

	/**
	 * Sends one byte; false when the server has closed the connection (the write or a
	 * later one fails).
	 */
	boolean trySend(char c) {
		try {
			this.socket.getOutputStream().write(c);
			this.socket.getOutputStream().flush();
			return true;
		}
		catch (IOException closed) {
			return false;
		}
	}

	/** Everything the server sends until it closes the connection (or 30 s pass). */
	String readUntilClosed() throws IOException {
		ByteArrayOutputStream all = new ByteArrayOutputStream();
		InputStream in = this.socket.getInputStream();
		byte[] buffer = new byte[8192];
		try {
			int n;
			while ((n = in.read(buffer)) >= 0) {
				all.write(buffer, 0, n);
			}
		}
		catch (SocketTimeoutException | java.net.SocketException ex) {
			// closed by reset or still open after the timeout: return what came
		}
		return all.toString(StandardCharsets.UTF_8);
	}

	/** Whether the server has closed its side: a read returns end of stream at once. */
	boolean closedByServer(int waitMillis) throws IOException {
		this.socket.setSoTimeout(waitMillis);
		try {
			InputStream in = this.socket.getInputStream();
			byte[] buffer = new byte[8192];
			int n;
			while ((n = in.read(buffer)) > 0) {
				// drain an answer sent before closing
			}
			return n < 0;
		}
		catch (SocketTimeoutException open) {
			return false;
		}
		catch (java.net.SocketException reset) {
			return true;
		}
		finally {
			this.socket.setSoTimeout(30_000);
		}
	}

	@Override
	public void close() throws IOException {
		this.socket.close();
	}

}
