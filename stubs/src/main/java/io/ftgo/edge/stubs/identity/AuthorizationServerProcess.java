package io.ftgo.edge.stubs.identity;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.text.ParseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.SignedJWT;

import io.ftgo.edge.stubs.EdgeTestEnvironment;

/**
 * Spring Authorization Server (the {@code stubs/authorization-server} module) as a
 * separate JVM process on a free port, for interoperability tests: started from its
 * executable jar (system property {@value #JAR_PROPERTY}, set by the BFFs' surefire
 * configuration), ready when it logs that it is, stopped by {@link #close()} (and when
 * the test JVM exits, even killed: it watches this JVM's process id). Its output goes to
 * {@code target/authorization-server-<port>.log}.
 * <p>
 * Issuer {@code http://localhost:<port>}; the clients, users and claims are those of the
 * module's {@code application.yaml}. A test names the origins bff-web runs on
 * ({@link Builder#bffWebOrigin(String)}): the redirect and post-logout URIs are
 * registered as exact strings, as in production.
 */
public final class AuthorizationServerProcess implements AutoCloseable {

	/** The system property with the path of the authorization server's executable jar. */
	public static final String JAR_PROPERTY = "ftgo.authorization-server.jar";

	/** What the server logs once it answers. */
	static final String READY = "Authorization server ready at ";

	/** The key administrator's credentials in the module's application.yaml. */
	static final String ADMIN = "key-admin:key-admin-secret";

	/** The native app's registered loopback redirect URI (any port). */
	public static final String MOBILE_REDIRECT_URI = "http://127.0.0.1/callback";

	private static final SecureRandom RANDOM = new SecureRandom();

	private final Process process;

	private final int port;

	private final Path log;

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private final Thread shutdownHook;

	private AuthorizationServerProcess(Process process, int port, Path log) {
		this.process = process;
		this.port = port;
		this.log = log;
		this.shutdownHook = new Thread(process::destroyForcibly, "authorization-server-" + port + "-stop");
		Runtime.getRuntime().addShutdownHook(this.shutdownHook);
	}

	public static Builder builder() {
		return new Builder();
	}

	/** {@code http://localhost:<port>}: what the edge's {@code issuer-uri} must be. */
	public String issuer() {
		return "http://localhost:" + this.port;
	}

	public int port() {
		return this.port;
	}

	/** Where the process's output goes. */
	public Path log() {
		return this.log;
	}

	/**
	 * A client-credentials grant (HTTP Basic); {@code scope} may be null (then the token
	 * has no scope at all: Spring Authorization Server grants only what is asked).
	 * @return the access token
	 */
	public String clientCredentials(String clientId, String secret, String scope) {
		Map<String, String> form = new LinkedHashMap<>();
		form.put("grant_type", "client_credentials");
		if (scope != null) {
			form.put("scope", scope);
		}
		return (String) token(clientId, secret, form).get("access_token");
	}

	/**
	 * The authorization-code flow with PKCE as a client would drive it, over HTTP: the
	 * authorization request in a {@link LoopbackBrowser}, the login form, the redirect to
	 * {@code redirectUri} (not followed), the code exchange.
	 * @param secret the client secret, or null for a public client
	 * @return the token answer ({@code access_token}, {@code id_token},
	 * {@code refresh_token}, ...)
	 */
	public Map<String, Object> authorizationCode(String clientId, String secret, String redirectUri, String scope,
			String username, String password) {
		String verifier = random();
		String state = random();
		Map<String, String> query = new LinkedHashMap<>();
		query.put("response_type", "code");
		query.put("client_id", clientId);
		query.put("redirect_uri", redirectUri);
		query.put("scope", scope);
		query.put("state", state);
		query.put("nonce", random());
		query.put("code_challenge", s256(verifier));
		query.put("code_challenge_method", "S256");
		LoopbackBrowser browser = new LoopbackBrowser();
		HttpResponse<String> login = browser.open(issuer() + "/oauth2/authorize?" + LoopbackBrowser.form(query),
				(location) -> location.startsWith(redirectUri));
		HttpResponse<String> back = browser.signIn(login, username, password,
				(location) -> location.startsWith(redirectUri));
		String location = LoopbackBrowser.location(back)
			.orElseThrow(() -> new IllegalStateException("sign-in did not redirect back: " + back.statusCode()));
		if (!state.equals(LoopbackBrowser.queryParameter(location, "state").orElse(null))) {
			throw new IllegalStateException("state not returned: " + location);
		}
		String code = LoopbackBrowser.queryParameter(location, "code")
			.orElseThrow(() -> new IllegalStateException("no code: " + location));
		Map<String, String> form = new LinkedHashMap<>();
		form.put("grant_type", "authorization_code");
		form.put("code", code);
		form.put("redirect_uri", redirectUri);
		form.put("code_verifier", verifier);
		if (secret == null) {
			form.put("client_id", clientId);
		}
		return token(clientId, secret, form);
	}

	/** A new signing key (a new {@code kid}); the previous one stays published. */
	public Map<String, Object> rotateKeys() {
		return admin("POST", "/admin/keys/rotate");
	}

	/**
	 * Retires replaced keys whose overlap has ended ({@code force}: all of them).
	 * @return {@code signing} and {@code published} key ids
	 */
	public Map<String, Object> retireKeys(boolean force) {
		return admin("POST", "/admin/keys/retire" + (force ? "?force=true" : ""));
	}

	/**
	 * {@code signing}: the current {@code kid}; {@code published}: every published one.
	 */
	public Map<String, Object> keys() {
		return admin("GET", "/admin/keys");
	}

	/** The {@code kid}s of the published key set, as any client fetches it. */
	@SuppressWarnings("unchecked")
	public List<String> publishedKids() {
		Map<String, Object> set = json(send(HttpRequest.newBuilder(URI.create(issuer() + "/oauth2/jwks")).GET()));
		List<String> kids = new ArrayList<>();
		for (Object key : (List<Object>) set.get("keys")) {
			kids.add((String) ((Map<String, Object>) key).get("kid"));
		}
		return kids;
	}

	/**
	 * How often each protocol request was answered how, e.g.
	 * {@code POST /oauth2/token refresh_token 200}.
	 */
	@SuppressWarnings("unchecked")
	public Map<String, Integer> requests() {
		Map<String, Integer> counts = new LinkedHashMap<>();
		((Map<String, Object>) admin("GET", "/admin/journal").get("requests"))
			.forEach((key, value) -> counts.put(key, ((Number) value).intValue()));
		return counts;
	}

	/** How often a request was answered, summed over the keys that start with it. */
	public int count(String prefix) {
		return requests().entrySet()
			.stream()
			.filter((e) -> e.getKey().startsWith(prefix))
			.mapToInt(Map.Entry::getValue)
			.sum();
	}

	/** When a client last fetched the key set (epoch milliseconds; 0 when never). */
	public long lastKeySetFetch() {
		return ((Number) admin("GET", "/admin/journal").get("lastKeySetFetchEpochMillis")).longValue();
	}

	/** The {@code kid} header of a JWT. */
	public static String kid(String jwt) {
		try {
			return SignedJWT.parse(jwt).getHeader().getKeyID();
		}
		catch (ParseException ex) {
			throw new IllegalArgumentException("not a JWT", ex);
		}
	}

	/** The {@code aud} of a JWT (one audience or several). */
	public static List<String> audience(String jwt) {
		try {
			return SignedJWT.parse(jwt).getJWTClaimsSet().getAudience();
		}
		catch (ParseException ex) {
			throw new IllegalArgumentException("not a JWT", ex);
		}
	}

	/** The claims of a JWT (not verified). */
	public static Map<String, Object> claims(String jwt) {
		try {
			return SignedJWT.parse(jwt).getJWTClaimsSet().toJSONObject();
		}
		catch (ParseException ex) {
			throw new IllegalArgumentException("not a JWT", ex);
		}
	}

	@Override
	public void close() {
		this.process.destroy();
		try {
			if (!this.process.waitFor(30, TimeUnit.SECONDS)) {
				this.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			this.process.destroyForcibly();
		}
		try {
			Runtime.getRuntime().removeShutdownHook(this.shutdownHook);
		}
		catch (IllegalStateException ex) {
			// the JVM is already shutting down; the hook runs anyway
		}
	}

	private Map<String, Object> token(String clientId, String secret, Map<String, String> form) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(issuer() + "/oauth2/token"))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.header("Accept", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(LoopbackBrowser.form(form)));
		if (secret != null) {
			request.header("Authorization", basic(clientId + ":" + secret));
		}
		HttpResponse<String> answer = send(request);
		if (answer.statusCode() != 200) {
			throw new IllegalStateException("token endpoint answered " + answer.statusCode() + ": " + answer.body());
		}
		return json(answer);
	}

	private Map<String, Object> admin(String method, String path) {
		HttpResponse<String> answer = send(HttpRequest.newBuilder(URI.create(issuer() + path))
			.header("Authorization", basic(ADMIN))
			.method(method, HttpRequest.BodyPublishers.noBody()));
		if (answer.statusCode() != 200) {
			throw new IllegalStateException(method + " " + path + " answered " + answer.statusCode());
		}
		return json(answer);
	}

	private HttpResponse<String> send(HttpRequest.Builder request) {
		try {
			return this.http.send(request.timeout(Duration.ofSeconds(30)).build(),
					HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private static Map<String, Object> json(HttpResponse<String> answer) {
		try {
			return JSONObjectUtils.parse(answer.body());
		}
		catch (ParseException ex) {
			throw new IllegalStateException("not JSON: " + answer.body(), ex);
		}
	}

	private static String basic(String credentials) {
		return "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
	}

	private static String random() {
		byte[] bytes = new byte[32];
		RANDOM.nextBytes(bytes);
		return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
	}

	private static String s256(String verifier) {
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
			return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** Settings of the process to start. */
	public static final class Builder {

		private final List<String> bffWebOrigins = new ArrayList<>();

		private final Map<String, String> properties = new LinkedHashMap<>();

		private Duration startTimeout = Duration.ofMinutes(2);

		private Builder() {
		}

		/**
		 * An origin bff-web runs on ({@code http://127.0.0.1:<port>}): its
		 * {@code /bff/callback} and {@code /} are registered for client {@code bff-web}.
		 */
		public Builder bffWebOrigin(String origin) {
			this.bffWebOrigins.add(origin);
			return this;
		}

		/** Any other setting of the server, as a command-line property. */
		public Builder property(String key, String value) {
			this.properties.put(key, value);
			return this;
		}

		/** How long start-up may take before it is a failure (default 2 minutes). */
		public Builder startTimeout(Duration timeout) {
			this.startTimeout = timeout;
			return this;
		}

		public AuthorizationServerProcess start() {
			String jar = System.getProperty(JAR_PROPERTY);
			if (jar == null || !Files.isRegularFile(Path.of(jar))) {
				throw new IllegalStateException("The authorization server's jar is not at " + JAR_PROPERTY + "=" + jar
						+ ": build the module stubs/authorization-server first (e.g. ./mvnw -pl <bff> -am test;"
						+ " the BFF poms set the property)");
			}
			int port = EdgeTestEnvironment.freePort();
			String issuer = "http://localhost:" + port;
			List<String> command = new ArrayList<>(
					List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
							"-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-jar", jar,
							"--server.port=" + port, "--spring.security.oauth2.authorizationserver.issuer=" + issuer,
							// It stops when this JVM ends, even killed (no shutdown hook
							// runs then).
							"--ftgo.owner-pid=" + ProcessHandle.current().pid()));
			if (!this.bffWebOrigins.isEmpty()) {
				String client = "--spring.security.oauth2.authorizationserver.client.bff-web.registration.";
				command.add(client + "redirect-uris="
						+ String.join(",", this.bffWebOrigins.stream().map((o) -> o + "/bff/callback").toList()));
				command.add(client + "post-logout-redirect-uris="
						+ String.join(",", this.bffWebOrigins.stream().map((o) -> o + "/").toList()));
			}
			this.properties.forEach((key, value) -> command.add("--" + key + "=" + value));
			Path log = Path.of(System.getProperty("user.dir"), "target", "authorization-server-" + port + ".log");
			Process process;
			try {
				Files.createDirectories(log.getParent());
				process = new ProcessBuilder(command).redirectErrorStream(true).start();
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
			AuthorizationServerProcess server = new AuthorizationServerProcess(process, port, log);
			CompletableFuture<Void> ready = new CompletableFuture<>();
			Thread pump = new Thread(() -> pump(process, log, ready), "authorization-server-" + port + "-output");
			pump.setDaemon(true);
			pump.start();
			try {
				ready.get(this.startTimeout.toMillis(), TimeUnit.MILLISECONDS);
				return server;
			}
			catch (ExecutionException | TimeoutException ex) {
				server.close();
				throw new IllegalStateException(
						"The authorization server did not start (" + ex.getMessage() + "); its output: " + log, ex);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				server.close();
				throw new IllegalStateException(ex);
			}
		}

		/**
		 * Copies the output to the log file; completes {@code ready} at the ready line.
		 */
		private static void pump(Process process, Path log, CompletableFuture<Void> ready) {
			try (BufferedReader output = new BufferedReader(
					new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
					PrintWriter file = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8), true)) {
				String line;
				while ((line = output.readLine()) != null) {
					file.println(line);
					if (line.contains(READY)) {
						ready.complete(null);
					}
				}
				ready.completeExceptionally(new IllegalStateException("exited with " + process.waitFor()));
			}
			catch (IOException ex) {
				ready.completeExceptionally(ex);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				ready.completeExceptionally(ex);
			}
		}

	}

}
