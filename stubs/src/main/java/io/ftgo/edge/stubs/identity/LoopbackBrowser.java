package io.ftgo.edge.stubs.identity;

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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What a browser does at the HTTP level, for sign-in flows across two loopback servers (a
 * BFF and an identity provider): redirects followed one by one, cookies kept per host as
 * a browser keeps them (not per port; {@code Secure} cookies sent over plain HTTP, as
 * browsers do for loopback hosts), {@code Accept: text/html}, and the identity provider's
 * login form filled in and posted with its hidden fields (e.g. a CSRF token). Every
 * answer on the way is kept in {@link #history()}.
 */
public final class LoopbackBrowser {

	private static final Pattern FORM = Pattern.compile("<form[^>]*>(.*?)</form>",
			Pattern.DOTALL | Pattern.CASE_INSENSITIVE);

	private static final Pattern FORM_ACTION = Pattern.compile("<form[^>]*\\baction=\"([^\"]*)\"",
			Pattern.CASE_INSENSITIVE);

	private static final Pattern HIDDEN_INPUT = Pattern.compile("<input[^>]*>", Pattern.CASE_INSENSITIVE);

	private static final Pattern ATTRIBUTE = Pattern.compile("\\b(name|value|type)=\"([^\"]*)\"",
			Pattern.CASE_INSENSITIVE);

	private final HttpClient http = HttpClient.newBuilder()
		.followRedirects(HttpClient.Redirect.NEVER)
		.connectTimeout(Duration.ofSeconds(5))
		.build();

	private final Map<String, Map<String, String>> cookies = new ConcurrentHashMap<>();

	private final List<HttpResponse<String>> history = new ArrayList<>();

	/** Every answer received, oldest first. */
	public List<HttpResponse<String>> history() {
		return List.copyOf(this.history);
	}

	/** The cookies this browser holds for a host. */
	public Map<String, String> cookies(String host) {
		return Map.copyOf(this.cookies.getOrDefault(host, Map.of()));
	}

	/** Sets a cookie, as a page script or an earlier visit would have. */
	public void setCookie(String host, String name, String value) {
		this.cookies.computeIfAbsent(host, (h) -> new LinkedHashMap<>()).put(name, value);
	}

	/**
	 * Opens {@code uri} and follows redirects until an answer that is not a redirect, or
	 * until a redirect to a location {@code stopAt} accepts (not followed: e.g. a native
	 * app's loopback redirect URI where nothing listens).
	 * @return the last answer (a 3xx one when stopped)
	 */
	public HttpResponse<String> open(String uri, Predicate<String> stopAt) {
		return follow(send(request(URI.create(uri)).GET()), stopAt);
	}

	/** {@link #open(String, Predicate)} following every redirect. */
	public HttpResponse<String> open(String uri) {
		return open(uri, (location) -> false);
	}

	/**
	 * Fills in the login form of {@code page} ({@code username}, {@code password} and the
	 * form's hidden fields), posts it to the form's action and follows the redirects.
	 */
	public HttpResponse<String> signIn(HttpResponse<String> page, String username, String password,
			Predicate<String> stopAt) {
		String body = page.body();
		Matcher form = FORM.matcher(body);
		if (!form.find()) {
			throw new IllegalStateException("no form on " + page.uri() + " (status " + page.statusCode() + ")");
		}
		Matcher action = FORM_ACTION.matcher(body.substring(form.start()));
		String target = action.find() ? action.group(1) : page.uri().getPath();
		Map<String, String> fields = new LinkedHashMap<>();
		Matcher input = HIDDEN_INPUT.matcher(form.group(1));
		while (input.find()) {
			Map<String, String> attributes = new LinkedHashMap<>();
			Matcher attribute = ATTRIBUTE.matcher(input.group());
			while (attribute.find()) {
				attributes.put(attribute.group(1).toLowerCase(java.util.Locale.ROOT), attribute.group(2));
			}
			if ("hidden".equalsIgnoreCase(attributes.get("type")) && attributes.containsKey("name")) {
				fields.put(attributes.get("name"), unescape(attributes.getOrDefault("value", "")));
			}
		}
		fields.put("username", username);
		fields.put("password", password);
		return follow(post(page.uri().resolve(unescape(target)).toString(), fields), stopAt);
	}

	/** Posts a form (no redirect followed). */
	public HttpResponse<String> post(String uri, Map<String, String> form) {
		return send(request(URI.create(uri)).header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString(form(form))));
	}

	/** A request to {@code uri} with this browser's cookies for its host. */
	public HttpRequest.Builder request(URI uri) {
		HttpRequest.Builder request = HttpRequest.newBuilder(uri)
			.timeout(Duration.ofSeconds(30))
			.header("Accept", "text/html,application/xhtml+xml,*/*;q=0.8");
		Map<String, String> jar = this.cookies.get(uri.getHost());
		if (jar != null && !jar.isEmpty()) {
			request.header("Cookie",
					jar.entrySet()
						.stream()
						.map((c) -> c.getKey() + "=" + c.getValue())
						.collect(Collectors.joining("; ")));
		}
		return request;
	}

	/** Sends a request, keeps the cookies it sets. */
	public HttpResponse<String> send(HttpRequest.Builder request) {
		HttpRequest built = request.build();
		HttpResponse<String> response;
		try {
			response = this.http.send(built, HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
		keepCookies(built.uri().getHost(), response);
		this.history.add(response);
		return response;
	}

	/** The redirect target of an answer, if it is a redirect. */
	public static Optional<String> location(HttpResponse<?> response) {
		if (response.statusCode() < 300 || response.statusCode() > 399) {
			return Optional.empty();
		}
		return response.headers().firstValue("Location").map((l) -> response.uri().resolve(l).toString());
	}

	/** A query parameter of a URI (decoded), if present. */
	public static Optional<String> queryParameter(String uri, String name) {
		String query = URI.create(uri).getRawQuery();
		if (query == null) {
			return Optional.empty();
		}
		for (String pair : query.split("&")) {
			int eq = pair.indexOf('=');
			String key = (eq < 0) ? pair : pair.substring(0, eq);
			if (key.equals(name)) {
				return Optional
					.of(java.net.URLDecoder.decode((eq < 0) ? "" : pair.substring(eq + 1), StandardCharsets.UTF_8));
			}
		}
		return Optional.empty();
	}

	static String form(Map<String, String> fields) {
		return fields.entrySet()
			.stream()
			.map((f) -> URLEncoder.encode(f.getKey(), StandardCharsets.UTF_8) + "="
					+ URLEncoder.encode(f.getValue(), StandardCharsets.UTF_8))
			.collect(Collectors.joining("&"));
	}

	private HttpResponse<String> follow(HttpResponse<String> response, Predicate<String> stopAt) {
		HttpResponse<String> current = response;
		for (int hops = 0; hops < 20; hops++) {
			Optional<String> location = location(current);
			if (location.isEmpty() || stopAt.test(location.get())) {
				return current;
			}
			current = send(request(URI.create(location.get())).GET());
		}
		throw new IllegalStateException("more than 20 redirects, last to " + current.uri());
	}

	private void keepCookies(String host, HttpResponse<?> response) {
		for (String header : response.headers().allValues("Set-Cookie")) {
			int eq = header.indexOf('=');
			if (eq <= 0) {
				continue;
			}
			int end = header.indexOf(';');
			String name = header.substring(0, eq).trim();
			String value = header.substring(eq + 1, (end < 0) ? header.length() : end).trim();
			String attributes = (end < 0) ? "" : header.substring(end).toLowerCase(java.util.Locale.ROOT);
			Map<String, String> jar = this.cookies.computeIfAbsent(host, (h) -> new LinkedHashMap<>());
			if (value.isEmpty() || attributes.contains("max-age=0")
					|| attributes.contains("expires=thu, 01 jan 1970")) {
				jar.remove(name);
			}
			else {
				jar.put(name, value);
			}
		}
	}

	private static String unescape(String html) {
		return html.replace("&amp;", "&").replace("&quot;", "\"").replace("&#39;", "'").replace("&#x2F;", "/");
	}

}
