package io.ftgo.edge.stubs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Real HTTP over loopback for the tests (java.net.http, HTTP/1.1). */
final class Http {

	static final HttpClient CLIENT = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(2))
		.build();

	private Http() {
	}

	static HttpResponse<String> get(String url) {
		return uncheckedSend(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build());
	}

	static HttpResponse<String> get(String url, Duration timeout) throws IOException, InterruptedException {
		return send(HttpRequest.newBuilder(URI.create(url)).timeout(timeout).GET().build());
	}

	static HttpResponse<String> post(String url, String json) {
		return uncheckedSend(HttpRequest.newBuilder(URI.create(url))
			.timeout(Duration.ofSeconds(10))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(json))
			.build());
	}

	static HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
		return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
	}

	static HttpResponse<String> uncheckedSend(HttpRequest request) {
		try {
			return send(request);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(request.method() + " " + request.uri() + ": " + ex, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	static String contentType(HttpResponse<?> response) {
		return response.headers().firstValue("Content-Type").orElse("");
	}

}
