package io.ftgo.edge.bff.web;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a browser does at the HTTP level, with the cookies in view: the sign-in through
 * bff-web and the dev identity provider's login form (real HTTP, no redirect followed
 * automatically, cookies handled by hand), then requests with the session cookie.
 */
final class SessionBrowser {

	static final String SESSION = "__Host-ftgo-session";

	static final String LOGIN = "__Host-ftgo-session-login";

	final HttpClient http = HttpClient.newBuilder()
		.followRedirects(HttpClient.Redirect.NEVER)
		.connectTimeout(Duration.ofSeconds(5))
		.build();

	final String base;

	SessionBrowser(int port) {
		this.base = "http://localhost:" + port;
	}

	/** A finished sign-in: the session cookie and the callback's answer. */
	record Login(String session, HttpResponse<String> callback) {

		String setCookie(String name) {
			return this.callback.headers()
				.allValues("Set-Cookie")
				.stream()
				.filter((c) -> c.startsWith(name + "="))
				.findFirst()
				.orElseThrow();
		}

	}

	Login login(String user) {
		return login(user, "/", null);
	}

	/**
	 * Signs in; {@code presetSession} is a session cookie the browser already holds (an
	 * old session, or one an attacker planted).
	 */
	Login login(String user, String returnTo, String presetSession) {
		HttpResponse<String> start = send(get("/bff/login?returnTo=" + encode(returnTo), presetSession, null));
		assertThat(start.statusCode()).as("/bff/login").isEqualTo(302);
		String loginCookie = cookieValue(start, LOGIN).orElseThrow();
		URI authorize = URI.create(start.headers().firstValue("Location").orElseThrow());
		HttpResponse<String> form = send(HttpRequest.newBuilder(authorize).GET().build());
		assertThat(form.statusCode()).as("login form").isEqualTo(200);
		HttpResponse<String> submitted = send(HttpRequest
			.newBuilder(URI.create(authorize.getScheme() + "://" + authorize.getRawAuthority() + "/oauth2/authorize"))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers
				.ofString(authorize.getRawQuery() + "&username=" + user + "&password=password"))
			.build());
		assertThat(submitted.statusCode()).as("login form post").isEqualTo(302);
		URI callback = URI.create(submitted.headers().firstValue("Location").orElseThrow());
		List<String> cookies = new ArrayList<>();
		cookies.add(LOGIN + "=" + loginCookie);
		if (presetSession != null) {
			cookies.add(SESSION + "=" + presetSession);
		}
		HttpResponse<String> answer = send(
				HttpRequest.newBuilder(callback).header("Cookie", String.join("; ", cookies)).GET().build());
		assertThat(answer.statusCode()).as("callback: %s", answer.body()).isEqualTo(302);
		return new Login(cookieValue(answer, SESSION).orElseThrow(), answer);
	}

	HttpRequest.Builder get(String path, String session, String csrf) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(this.base + path)).GET();
		if (session != null) {
			request.header("Cookie", SESSION + "=" + session);
		}
		if (csrf != null) {
			request.header("X-CSRF", csrf);
		}
		return request;
	}

	HttpRequest.Builder post(String path, String session, Map<String, String> headers) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(this.base + path))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString("{}"));
		if (session != null) {
			request.header("Cookie", SESSION + "=" + session);
		}
		headers.forEach(request::header);
		return request;
	}

	HttpResponse<String> send(HttpRequest.Builder request) {
		return send(request.build());
	}

	HttpResponse<String> send(HttpRequest request) {
		try {
			return this.http.send(request, HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	static Optional<String> cookieValue(HttpResponse<?> response, String name) {
		return response.headers()
			.allValues("Set-Cookie")
			.stream()
			.filter((c) -> c.startsWith(name + "="))
			.map((c) -> c.substring(name.length() + 1, c.indexOf(';') < 0 ? c.length() : c.indexOf(';')))
			.filter((v) -> !v.isEmpty())
			.findFirst();
	}

	static String encode(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8);
	}

}
