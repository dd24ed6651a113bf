package io.ftgo.edge.stubs.grpc;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * The gRPC order provider's admin API over HTTP, in WireMock's spirit (stubs/README.md,
 * "The gRPC order provider"):
 * <ul>
 * <li>{@code GET /__admin/requests[?method=GetOrder]}: counts per method, and the kept
 * calls (all, or of one method);</li>
 * <li>{@code GET /__admin/requests/count[?method=GetOrder]}: {@code {"count": n}};</li>
 * <li>{@code DELETE /__admin/requests}: clears the journal;</li>
 * <li>{@code GET /__admin/faults}, {@code POST /__admin/faults} (a JSON fault),
 * {@code DELETE /__admin/faults} (all), {@code DELETE /__admin/faults/{id}};</li>
 * <li>{@code POST /__admin/reset}: journal and faults cleared.</li>
 * </ul>
 * Errors answer 400/404/405 with {@code {"error": "..."}} naming the field and the fix.
 */
final class AdminServer {

	private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();

	private final GrpcOrderProvider provider;

	private final HttpServer server;

	private final ExecutorService executor;

	private AdminServer(GrpcOrderProvider provider, HttpServer server, ExecutorService executor) {
		this.provider = provider;
		this.server = server;
		this.executor = executor;
	}

	static AdminServer start(GrpcOrderProvider provider, String host, int port) {
		HttpServer server;
		try {
			server = HttpServer.create(new InetSocketAddress(host, port), 50);
		}
		catch (IOException ex) {
			throw new IllegalStateException("gRPC order provider admin could not listen on " + host + ":" + port
					+ " (is the port in use?): " + ex.getMessage(), ex);
		}
		ExecutorService executor = Executors.newFixedThreadPool(2, (task) -> {
			Thread thread = new Thread(task, "grpc-order-admin");
			thread.setDaemon(true);
			return thread;
		});
		AdminServer admin = new AdminServer(provider, server, executor);
		server.createContext("/__admin/", admin::handle);
		server.setExecutor(executor);
		server.start();
		return admin;
	}

	int port() {
		return this.server.getAddress().getPort();
	}

	void stop() {
		this.server.stop(0);
		this.executor.shutdownNow();
	}

	private void handle(HttpExchange exchange) throws IOException {
		try (exchange) {
			String path = exchange.getRequestURI().getPath();
			String method = exchange.getRequestMethod();
			Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
			try {
				if (path.equals("/__admin/requests")) {
					switch (method) {
						case "GET" -> send(exchange, 200, requests(query.get("method")));
						case "DELETE" -> {
							this.provider.resetCalls();
							send(exchange, 200, new JsonObject());
						}
						default -> send(exchange, 405, error("use GET or DELETE on /__admin/requests"));
					}
				}
				else if (path.equals("/__admin/requests/count") && method.equals("GET")) {
					JsonObject count = new JsonObject();
					count.addProperty("count", this.provider.callCount(query.get("method")));
					send(exchange, 200, count);
				}
				else if (path.equals("/__admin/faults")) {
					switch (method) {
						case "GET" -> send(exchange, 200, faults());
						case "POST" -> {
							GrpcFault fault = fault(exchange);
							JsonObject created = new JsonObject();
							created.addProperty("id", this.provider.inject(fault).toString());
							created.addProperty("fault", fault.toString());
							send(exchange, 201, created);
						}
						case "DELETE" -> {
							this.provider.clearFaults();
							send(exchange, 200, new JsonObject());
						}
						default -> send(exchange, 405, error("use GET, POST or DELETE on /__admin/faults"));
					}
				}
				else if (path.startsWith("/__admin/faults/") && method.equals("DELETE")) {
					UUID id = uuid(path.substring("/__admin/faults/".length()));
					if (this.provider.clearFault(id)) {
						send(exchange, 200, new JsonObject());
					}
					else {
						send(exchange, 404, error("no fault " + id + " (GET /__admin/faults lists them)"));
					}
				}
				else if (path.equals("/__admin/reset") && method.equals("POST")) {
					this.provider.reset();
					send(exchange, 200, new JsonObject());
				}
				else {
					send(exchange, 404, error(method + " " + path
							+ ": unknown (expected: /__admin/requests, /__admin/requests/count, /__admin/faults, /__admin/reset)"));
				}
			}
			catch (IllegalArgumentException ex) {
				send(exchange, 400, error(ex.getMessage()));
			}
		}
	}

	private JsonObject requests(String method) {
		String bare = OrderServiceStub.bareMethod(method);
		JsonObject json = new JsonObject();
		json.addProperty("total", this.provider.callCount(bare));
		JsonObject counts = new JsonObject();
		this.provider.callCounts().forEach(counts::addProperty);
		json.add("counts", counts);
		JsonArray requests = new JsonArray();
		for (GrpcCall call : this.provider.calls(bare)) {
			requests.add(call(call));
		}
		json.add("requests", requests);
		json.addProperty("kept", GrpcJournal.MAX_ENTRIES);
		return json;
	}

	private static JsonObject call(GrpcCall call) {
		JsonObject json = new JsonObject();
		json.addProperty("receivedAt", call.receivedAt().toString());
		json.addProperty("method", call.method());
		json.addProperty("fullMethod", call.fullMethod());
		JsonObject metadata = new JsonObject();
		call.metadata().forEach((key, values) -> {
			JsonArray array = new JsonArray();
			values.forEach(array::add);
			metadata.add(key, array);
		});
		json.add("metadata", metadata);
		json.addProperty("grpcTimeout", call.grpcTimeout().orElse(null));
		json.addProperty("deadlineMillis", call.deadline().map(Duration::toMillis).orElse(null));
		json.add("request", call.request().<JsonElement>map(ProtoJson::toJson).orElse(null));
		json.addProperty("fault", call.fault().orElse(null));
		json.addProperty("outcome", call.outcome().orElse(null));
		return json;
	}

	private JsonObject faults() {
		JsonArray faults = new JsonArray();
		this.provider.faults().forEach((id, fault) -> {
			JsonObject json = new JsonObject();
			json.addProperty("id", id.toString());
			json.addProperty("method", fault.getKey().method());
			json.addProperty("kind", fault.getKey().kind().name().toLowerCase(java.util.Locale.ROOT));
			if (fault.getKey().status() != null) {
				json.addProperty("status", fault.getKey().status().name());
			}
			if (fault.getKey().delay() != null) {
				json.addProperty("delayMs", fault.getKey().delay().toMillis());
			}
			json.addProperty("remaining", (fault.getValue() == GrpcFault.UNLIMITED) ? null : fault.getValue());
			json.addProperty("fault", fault.getKey().toString());
			faults.add(json);
		});
		JsonObject json = new JsonObject();
		json.add("faults", faults);
		return json;
	}

	/**
	 * {@code {"method": "GetOrder", "kind": "status", "status": "UNAVAILABLE"}}; kinds
	 * status (with status, optional description), delay (with delayMs), hang, reset,
	 * drop; optional times.
	 */
	private static GrpcFault fault(HttpExchange exchange) throws IOException {
		String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
		JsonObject json;
		try {
			JsonElement parsed = JsonParser.parseString(body);
			if (!parsed.isJsonObject()) {
				throw new IllegalArgumentException("body: expected a JSON object");
			}
			json = parsed.getAsJsonObject();
		}
		catch (JsonParseException ex) {
			throw new IllegalArgumentException("body: not JSON (expected e.g. "
					+ "{\"method\": \"GetOrder\", \"kind\": \"status\", \"status\": \"UNAVAILABLE\"})");
		}
		String kind = string(json, "kind");
		if (kind == null) {
			throw new IllegalArgumentException("kind: missing (expected: status, delay, hang, reset or drop)");
		}
		GrpcFault fault = switch (kind.toLowerCase(java.util.Locale.ROOT)) {
			case "status" -> {
				GrpcFault status = GrpcFault.status(string(json, "status"));
				String description = string(json, "description");
				yield (description != null) ? status.withDescription(description) : status;
			}
			case "delay" -> {
				long millis = number(json, "delayMs");
				if (millis <= 0) {
					throw new IllegalArgumentException("delayMs: " + millis + " (expected: a positive number of ms)");
				}
				yield GrpcFault.delay(Duration.ofMillis(millis));
			}
			case "hang" -> GrpcFault.hang();
			case "reset" -> GrpcFault.reset();
			case "drop" -> GrpcFault.dropConnection();
			default -> throw new IllegalArgumentException(
					"kind: '" + kind + "' (expected: status, delay, hang, reset or drop)");
		};
		fault = fault.forMethod(string(json, "method"));
		if (json.has("times") && !json.get("times").isJsonNull()) {
			fault = fault.times((int) number(json, "times"));
		}
		return fault;
	}

	private static String string(JsonObject json, String field) {
		JsonElement value = json.get(field);
		if (value == null || value.isJsonNull()) {
			return null;
		}
		if (!value.isJsonPrimitive()) {
			throw new IllegalArgumentException(field + ": " + value + " (expected: a string)");
		}
		return value.getAsString();
	}

	private static long number(JsonObject json, String field) {
		JsonElement value = json.get(field);
		if (value == null || !value.isJsonPrimitive() || !value.getAsJsonPrimitive().isNumber()) {
			throw new IllegalArgumentException(field + ": " + value + " (expected: a number)");
		}
		return value.getAsLong();
	}

	private static UUID uuid(String id) {
		try {
			return UUID.fromString(id);
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException("fault id: '" + id + "' (expected: an id POST /__admin/faults gave)");
		}
	}

	private static JsonObject error(String message) {
		JsonObject error = new JsonObject();
		error.addProperty("error", message);
		return error;
	}

	private static Map<String, String> query(String rawQuery) {
		Map<String, String> query = new LinkedHashMap<>();
		if (rawQuery == null) {
			return query;
		}
		for (String pair : rawQuery.split("&")) {
			int eq = pair.indexOf('=');
			String key = URLDecoder.decode((eq < 0) ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
			String value = (eq < 0) ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
			query.put(key, value);
		}
		return query;
	}

	private static void send(HttpExchange exchange, int status, JsonElement body) throws IOException {
		byte[] bytes = (GSON.toJson(body) + "\n").getBytes(StandardCharsets.UTF_8);
		exchange.getResponseHeaders().set("Content-Type", "application/json");
		exchange.sendResponseHeaders(status, bytes.length);
		try (OutputStream out = exchange.getResponseBody()) {
			out.write(bytes);
		}
	}

}
