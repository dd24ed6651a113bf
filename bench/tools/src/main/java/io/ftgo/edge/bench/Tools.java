package io.ftgo.edge.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.ConnectionProvider;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The benchmark suite's tools, one program (bench/run.sh calls them):
 * <ul>
 * <li>{@code nginx-conf}: nginx server blocks that serve the six FTGO providers with fixed
 * JSON taken from the stubs' seed mappings (order 7001's shapes, the id taken from the
 * path), one port per provider;</li>
 * <li>{@code providers}: the same answers from Reactor Netty with a delay per provider
 * (fixed, or heavy-tailed), counting calls ({@code GET /__calls}, {@code POST /__reset});</li>
 * <li>{@code load}: an open-loop (constant arrival rate) load generator; latency is
 * measured from when each request was due, so a slow server cannot slow the load down
 * (no coordinated omission);</li>
 * <li>{@code burst}: N identical requests at the same moment; prints the statuses;</li>
 * <li>{@code raw-proxy}: a bare Reactor Netty reverse proxy, the ceiling of the runtime the
 * gateway is built on;</li>
 * <li>{@code plot}: an SVG of latency by percentile from {@code load}'s histogram files;</li>
 * <li>{@code alloc}: the bytes a running JVM allocates per second ({@link Allocation}).</li>
 * </ul>
 */
public final class Tools {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final PrintStream OUT = System.out;

	private Tools() {
	}

	public static void main(String[] args) throws Exception {
		if (args.length == 0) {
			usage("a command");
		}
		Map<String, String> options = options(args);
		switch (args[0]) {
			case "nginx-conf" -> nginxConf(options);
			case "providers" -> providers(options);
			case "load" -> load(options);
			case "burst" -> burst(options);
			case "raw-proxy" -> rawProxy(options);
			case "plot" -> plot(options);
			case "alloc" -> Allocation.run(options);
			case "overload", "overload-provider" -> Overload.run(args[0], options);
			default -> usage("a known command, not " + args[0]);
		}
	}

	// ---- provider answers from the stubs' seeds

	/** One provider: its id, path pattern (one id group) and answer template. */
	record Answer(String provider, Pattern path, String template) {

		String render(String id) {
			return this.template.replace("${id}", id);
		}

	}

	/**
	 * The answers of the six providers, from the stub mappings under {@code seeds}: order,
	 * ticket, delivery and bill of order 7001 with the id taken from the path; consumer
	 * 1001 and restaurant 501 as they are.
	 */
	static List<Answer> answers(Path seeds) throws IOException {
		List<Answer> answers = new ArrayList<>();
		answers.add(new Answer("order", Pattern.compile("^/orders/(\\d+)$"),
				templated(body(seeds, "order/mappings/order-7001.json", "/orders/7001"))));
		answers.add(new Answer("kitchen", Pattern.compile("^/tickets/(\\d+)$"),
				templated(body(seeds, "kitchen/mappings/ticket-7001.json", "/tickets/7001"))));
		answers.add(new Answer("delivery", Pattern.compile("^/deliveries/(\\d+)$"),
				templated(body(seeds, "delivery/mappings/delivery-7001.json", "/deliveries/7001"))));
		answers.add(new Answer("accounting", Pattern.compile("^/bills/(\\d+)$"),
				templated(body(seeds, "accounting/mappings/bill-7001.json", "/bills/7001"))));
		answers.add(new Answer("consumer", Pattern.compile("^/consumers/(\\d+)$"),
				body(seeds, "consumer/mappings/consumer-1001.json", "/consumers/1001")));
		answers.add(new Answer("restaurant", Pattern.compile("^/restaurants/(\\d+)$"),
				body(seeds, "restaurant/mappings/restaurant-501.json", "/restaurants/501")));
		return answers;
	}

	/** The id 7001 as a JSON number becomes the path's id. */
	private static String templated(String body) {
		return body.replaceAll(":7001([,}])", ":\\${id}$1");
	}

	private static String body(Path seeds, String file, String urlPath) throws IOException {
		JsonNode root = JSON.readTree(Files.readString(seeds.resolve(file)));
		List<JsonNode> mappings = new ArrayList<>();
		if (root.has("mappings")) {
			root.get("mappings").forEach(mappings::add);
		}
		else {
			mappings.add(root);
		}
		for (JsonNode mapping : mappings) {
			JsonNode request = mapping.path("request");
			if ("GET".equals(request.path("method").asString()) && urlPath.equals(request.path("urlPath").asString())) {
				return JSON.writeValueAsString(mapping.path("response").path("jsonBody"));
			}
		}
		throw new IllegalArgumentException(file + ": no GET " + urlPath + " mapping with a jsonBody");
	}

	/** {@code --seeds=DIR --ports=order:19181,... --log=FILE --out=FILE}. */
	private static void nginxConf(Map<String, String> options) throws IOException {
		List<Answer> answers = answers(Path.of(required(options, "seeds")));
		Map<String, String> ports = pairs(required(options, "ports"));
		StringBuilder conf = new StringBuilder();
		for (Answer answer : answers) {
			String port = ports.get(answer.provider());
			if (port == null) {
				usage("--ports with a port for " + answer.provider());
			}
			conf.append("server {\n  listen 127.0.0.1:").append(port).append(";\n");
			conf.append("  access_log ").append(required(options, "log")).append(" bench buffer=256k;\n");
			conf.append("  location ~ ").append(answer.path().pattern()).append(" {\n");
			conf.append("    default_type application/json;\n");
			conf.append("    return 200 '").append(answer.render("$1").replace("'", "\\'")).append("';\n");
			conf.append("  }\n}\n");
		}
		Files.writeString(Path.of(required(options, "out")), conf);
	}

	/**
	 * {@code --seeds=DIR --ports=order:19281,... --delay=order:20ms,kitchen:20ms,...}
	 * {@code [--tail=0.05:300ms]}: with a tail, each call is slowed to the tail's delay
	 * with its probability instead of the provider's delay.
	 */
	private static void providers(Map<String, String> options) throws Exception {
		List<Answer> answers = answers(Path.of(required(options, "seeds")));
		Map<String, String> ports = pairs(required(options, "ports"));
		Map<String, String> delays = pairs(options.getOrDefault("delay", ""));
		double tailShare = 0;
		Duration tailDelay = Duration.ZERO;
		if (options.containsKey("tail")) {
			String[] tail = options.get("tail").split(":");
			tailShare = Double.parseDouble(tail[0]);
			tailDelay = duration(tail[1]);
		}
		Map<String, LongAdder> calls = new ConcurrentHashMap<>();
		List<DisposableServer> servers = new ArrayList<>();
		for (Answer answer : answers) {
			Duration delay = duration(delays.getOrDefault(answer.provider(), "0ms"));
			LongAdder count = calls.computeIfAbsent(answer.provider(), (p) -> new LongAdder());
			double share = tailShare;
			Duration slow = tailDelay;
			servers.add(HttpServer.create()
				.host("127.0.0.1")
				.port(Integer.parseInt(ports.get(answer.provider())))
				.handle((request, response) -> {
					String path = request.fullPath();
					if (path.equals("/__calls")) {
						return response.header(HttpHeaderNames.CONTENT_TYPE, "application/json")
							.sendString(Mono.just(counts(calls)));
					}
					if (path.equals("/__reset")) {
						calls.values().forEach(LongAdder::reset);
						return response.status(HttpResponseStatus.NO_CONTENT).send();
					}
					Matcher m = answer.path().matcher(path);
					if (!m.matches()) {
						return response.status(HttpResponseStatus.NOT_FOUND).send();
					}
					count.increment();
					Duration wait = (share > 0 && ThreadLocalRandom.current().nextDouble() < share) ? slow : delay;
					byte[] body = answer.render(m.group(1)).getBytes(StandardCharsets.UTF_8);
					Mono<Void> answerIt = response.header(HttpHeaderNames.CONTENT_TYPE, "application/json")
						.header(HttpHeaderNames.CONTENT_LENGTH, Integer.toString(body.length))
						.sendByteArray(Mono.just(body))
						.then();
					return wait.isZero() ? answerIt : Mono.delay(wait).then(answerIt);
				})
				.bindNow());
		}
		OUT.println("providers up: " + ports + " delays " + delays
				+ (tailShare > 0 ? " tail " + options.get("tail") : ""));
		servers.get(0).onDispose().block();
	}

	private static String counts(Map<String, LongAdder> calls) {
		Map<String, Long> sorted = new TreeMap<>();
		calls.forEach((k, v) -> sorted.put(k, v.sum()));
		return JSON.writeValueAsString(sorted);
	}

	// ---- load

	/**
	 * {@code --url=http://host:port/path/{id} --rate=N --duration=30s [--warmup=10s]}
	 * {@code [--header=Name: value]... [--ids=10000-99999] [--connections=512]}
	 * {@code [--timeout=5s] [--hist=FILE] [--label=NAME]}. {@code {id}} in the URL is
	 * replaced by a random id from the range for each request. Prints one line of
	 * figures (milliseconds) and writes the histogram's percentile distribution.
	 */
	private static void load(Map<String, String> options) throws Exception {
		String url = required(options, "url");
		double rate = Double.parseDouble(required(options, "rate"));
		Duration duration = duration(required(options, "duration"));
		Duration warmup = duration(options.getOrDefault("warmup", "0s"));
		Duration timeout = duration(options.getOrDefault("timeout", "5s"));
		int connections = Integer.parseInt(options.getOrDefault("connections", "512"));
		List<String[]> headers = new ArrayList<>();
		for (String header : multi(options, "header")) {
			int colon = header.indexOf(':');
			headers.add(new String[] { header.substring(0, colon).trim(), header.substring(colon + 1).trim() });
		}
		long[] ids = range(options.get("ids"));
		HttpClient client = HttpClient.create(ConnectionProvider.builder("load")
			.maxConnections(connections)
			.pendingAcquireMaxCount(-1)
			.pendingAcquireTimeout(Duration.ofSeconds(60))
			.build()).responseTimeout(timeout).headers((h) -> headers.forEach((kv) -> h.add(kv[0], kv[1])));
		Histogram all = run(client, url, ids, rate, warmup, "warm-up", null);
		Counters counters = new Counters();
		all = run(client, url, ids, rate, duration, "measure", counters);
		double seconds = duration.toNanos() / 1e9;
		String label = options.getOrDefault("label", url);
		OUT.printf(Locale.ROOT,
				"%s rate=%.0f/s sent=%d 2xx=%d non2xx=%d errors=%d goodput=%.0f/s p50=%.2f p90=%.2f p99=%.2f p999=%.2f max=%.2f ms statuses=%s%n",
				label, rate, counters.sent.get(), counters.ok.sum(), counters.non2xx.sum(), counters.errors.sum(),
				counters.ok.sum() / seconds, ms(all, 50), ms(all, 90), ms(all, 99), ms(all, 99.9),
				all.getMaxValue() / 1e6, new TreeMap<>(counters.statuses));
		if (options.containsKey("hist")) {
			try (PrintStream file = new PrintStream(Files.newOutputStream(Path.of(options.get("hist"))), true,
					StandardCharsets.UTF_8)) {
				all.outputPercentileDistribution(file, 1e6);
			}
		}
		client.configuration().connectionProvider().disposeLater().block();
	}

	private static final class Counters {

		final AtomicLong sent = new AtomicLong();

		final LongAdder ok = new LongAdder();

		final LongAdder non2xx = new LongAdder();

		final LongAdder errors = new LongAdder();

		final Map<Integer, LongAdder> statuses = new ConcurrentHashMap<>();

	}

	private static Histogram run(HttpClient client, String url, long[] ids, double rate, Duration duration,
			String phase, Counters counters) throws InterruptedException {
		if (duration.isZero()) {
			return new Histogram(3);
		}
		Recorder recorder = new Recorder(3);
		OpenLoopSchedule schedule = new OpenLoopSchedule(rate, duration);
		CountDownLatch done = new CountDownLatch((int) schedule.total());
		for (long i = 0; i < schedule.total(); i++) {
			long due = schedule.awaitDue(i);
			String target = (ids == null) ? url
					: url.replace("{id}", Long.toString(ThreadLocalRandom.current().nextLong(ids[0], ids[1] + 1)));
			if (counters != null) {
				counters.sent.incrementAndGet();
			}
			client.get().uri(target).responseSingle((response, body) -> body.then(Mono.just(response.status().code())))
				.subscribe((status) -> {
					recorder.recordValue(Math.max(1, System.nanoTime() - due));
					if (counters != null) {
						(status >= 200 && status < 300 ? counters.ok : counters.non2xx).increment();
						counters.statuses.computeIfAbsent(status, (s) -> new LongAdder()).increment();
					}
					done.countDown();
				}, (error) -> {
					recorder.recordValue(Math.max(1, System.nanoTime() - due));
					if (counters != null) {
						counters.errors.increment();
					}
					done.countDown();
				});
		}
		if (!done.await(duration.toSeconds() + 60, TimeUnit.SECONDS)) {
			OUT.println(phase + ": " + done.getCount() + " requests never completed");
		}
		return recorder.getIntervalHistogram();
	}

	private static double ms(Histogram histogram, double percentile) {
		return histogram.getValueAtPercentile(percentile) / 1e6;
	}

	/** {@code --url=... --n=100 [--header=...]}: N requests at once; prints statuses. */
	private static void burst(Map<String, String> options) throws Exception {
		int n = Integer.parseInt(options.getOrDefault("n", "100"));
		List<String[]> headers = new ArrayList<>();
		for (String header : multi(options, "header")) {
			int colon = header.indexOf(':');
			headers.add(new String[] { header.substring(0, colon).trim(), header.substring(colon + 1).trim() });
		}
		ConnectionProvider pool = ConnectionProvider.builder("burst").maxConnections(n).build();
		HttpClient client = HttpClient.create(pool).headers((h) -> headers.forEach((kv) -> h.add(kv[0], kv[1])));
		// Open the N connections first, so that the requests themselves leave together.
		Flux.range(0, n)
			.flatMap((i) -> client.get().uri(required(options, "warm")).responseSingle((r, b) -> b.then()), n)
			.blockLast(Duration.ofSeconds(30));
		Map<Integer, LongAdder> statuses = new ConcurrentHashMap<>();
		CountDownLatch go = new CountDownLatch(1);
		CountDownLatch done = new CountDownLatch(n);
		for (int i = 0; i < n; i++) {
			Thread thread = new Thread(() -> {
				try {
					go.await();
					Integer status = client.get()
						.uri(required(options, "url"))
						.responseSingle((r, b) -> b.then(Mono.just(r.status().code())))
						.block(Duration.ofSeconds(30));
					statuses.computeIfAbsent(status, (s) -> new LongAdder()).increment();
				}
				catch (Exception ex) {
					statuses.computeIfAbsent(-1, (s) -> new LongAdder()).increment();
				}
				finally {
					done.countDown();
				}
			});
			thread.start();
		}
		go.countDown();
		done.await(60, TimeUnit.SECONDS);
		OUT.println("statuses " + new TreeMap<>(statuses));
		pool.disposeLater().block();
	}

	// ---- raw proxy

	/** {@code --port=N --upstream=URL}. */
	private static void rawProxy(Map<String, String> options) {
		HttpClient client = HttpClient.create(ConnectionProvider.builder("upstream").maxConnections(256).build())
			.baseUrl(required(options, "upstream"));
		DisposableServer server = HttpServer.create()
			.host("127.0.0.1")
			.port(Integer.parseInt(required(options, "port")))
			.handle((request, response) -> client
				.headers((headers) -> headers.set(request.requestHeaders()).remove(HttpHeaderNames.HOST))
				.request(request.method())
				.uri(request.uri())
				.send((upstreamRequest, out) -> out.send(request.receive().retain()))
				.response((upstreamResponse, body) -> response.status(upstreamResponse.status())
					.headers(upstreamResponse.responseHeaders().copy().remove(HttpHeaderNames.CONNECTION))
					.send(body.retain()))
				.then())
			.bindNow();
		OUT.println("raw proxy on " + server.port());
		server.onDispose().block();
	}

	// ---- plot

	private static final String[] COLOURS = { "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b" };

	/**
	 * {@code --out=FILE.svg --title=T name=FILE.hgrm ...}: latency (ms, log scale) by
	 * percentile (x = 1/(1-p), log scale), the usual HdrHistogram picture.
	 */
	private static void plot(Map<String, String> options) throws IOException {
		Map<String, List<double[]>> series = new LinkedHashMap<>();
		for (Map.Entry<String, String> e : options.entrySet()) {
			if (e.getKey().startsWith("series.")) {
				List<double[]> points = new ArrayList<>();
				for (String line : Files.readAllLines(Path.of(e.getValue()))) {
					String[] cols = line.trim().split("\\s+");
					if (cols.length == 4 && Character.isDigit(cols[0].charAt(0))) {
						double p = Double.parseDouble(cols[1]);
						if (p < 1.0) {
							points.add(new double[] { 1 / (1 - p), Double.parseDouble(cols[0]) });
						}
					}
				}
				series.put(e.getKey().substring("series.".length()), points);
			}
		}
		double maxX = 1e4;
		double minY = Double.MAX_VALUE;
		double maxY = 0;
		for (List<double[]> points : series.values()) {
			for (double[] p : points) {
				minY = Math.min(minY, Math.max(p[1], 0.01));
				maxY = Math.max(maxY, p[1]);
			}
		}
		double lo = Math.floor(Math.log10(minY));
		double hi = Math.ceil(Math.log10(Math.max(maxY, minY * 10)));
		int w = 760;
		int h = 420;
		int left = 70;
		int right = 160;
		int top = 40;
		int bottom = 50;
		StringBuilder svg = new StringBuilder();
		svg.append(String.format(Locale.ROOT,
				"<svg xmlns='http://www.w3.org/2000/svg' width='%d' height='%d' font-family='sans-serif' font-size='12'>%n",
				w, h));
		svg.append(String.format(Locale.ROOT, "<rect width='%d' height='%d' fill='white'/>%n", w, h));
		svg.append(String.format(Locale.ROOT, "<text x='%d' y='22' font-size='14'>%s</text>%n", left,
				escape(options.getOrDefault("title", "latency by percentile"))));
		double pw = w - left - right;
		double ph = h - top - bottom;
		for (int d = 0; d <= 4; d++) {
			double x = left + pw * d / 4.0;
			String label = new String[] { "0%", "90%", "99%", "99.9%", "99.99%" }[d];
			svg.append(String.format(Locale.ROOT,
					"<line x1='%.1f' y1='%d' x2='%.1f' y2='%.1f' stroke='#ddd'/><text x='%.1f' y='%.1f' text-anchor='middle'>%s</text>%n",
					x, top, x, top + ph, x, top + ph + 18, label));
		}
		for (double e = lo; e <= hi; e++) {
			double y = top + ph - ph * (e - lo) / (hi - lo);
			svg.append(String.format(Locale.ROOT,
					"<line x1='%d' y1='%.1f' x2='%.1f' y2='%.1f' stroke='#ddd'/><text x='%d' y='%.1f' text-anchor='end'>%s ms</text>%n",
					left, y, left + pw, y, left - 6, y + 4, format(Math.pow(10, e))));
		}
		int i = 0;
		for (Map.Entry<String, List<double[]>> s : series.entrySet()) {
			String colour = COLOURS[i % COLOURS.length];
			StringBuilder path = new StringBuilder();
			for (double[] p : s.getValue()) {
				double x = left + pw * Math.min(Math.log10(p[0]), Math.log10(maxX)) / Math.log10(maxX);
				double y = top + ph - ph * (Math.log10(Math.max(p[1], minY)) - lo) / (hi - lo);
				path.append(path.length() == 0 ? "M" : "L").append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
			}
			svg.append(String.format(Locale.ROOT, "<path d='%s' fill='none' stroke='%s' stroke-width='2'/>%n", path,
					colour));
			svg.append(String.format(Locale.ROOT,
					"<rect x='%.1f' y='%d' width='12' height='12' fill='%s'/><text x='%.1f' y='%d'>%s</text>%n",
					left + pw + 12, top + 20 * i, colour, left + pw + 30, top + 20 * i + 11, escape(s.getKey())));
			i++;
		}
		svg.append("</svg>\n");
		Files.writeString(Path.of(required(options, "out")), svg);
	}

	private static String format(double v) {
		return (v >= 1) ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%s", v);
	}

	private static String escape(String s) {
		return s.replace("&", "&amp;").replace("<", "&lt;").replace("'", "&apos;");
	}

	// ---- options

	private static Map<String, String> options(String[] args) {
		Map<String, String> options = new LinkedHashMap<>();
		int header = 0;
		for (int i = 1; i < args.length; i++) {
			String arg = args[i];
			if (arg.startsWith("--")) {
				int eq = arg.indexOf('=');
				if (eq < 0) {
					usage("--name=value, not " + arg);
				}
				String name = arg.substring(2, eq);
				if (name.equals("header")) {
					name = "header." + header++;
				}
				options.put(name, arg.substring(eq + 1));
			}
			else {
				int eq = arg.indexOf('=');
				if (eq < 0) {
					usage("name=file, not " + arg);
				}
				options.put("series." + arg.substring(0, eq), arg.substring(eq + 1));
			}
		}
		return options;
	}

	private static List<String> multi(Map<String, String> options, String name) {
		List<String> values = new ArrayList<>();
		options.forEach((k, v) -> {
			if (k.startsWith(name + ".")) {
				values.add(v);
			}
		});
		return values;
	}

	static String required(Map<String, String> options, String name) {
		String value = options.get(name);
		if (value == null) {
			usage("--" + name);
		}
		return value;
	}

	private static Map<String, String> pairs(String list) {
		Map<String, String> pairs = new LinkedHashMap<>();
		for (String pair : list.split(",")) {
			if (!pair.isBlank()) {
				String[] kv = pair.split(":", 2);
				pairs.put(kv[0].trim(), kv[1].trim());
			}
		}
		return pairs;
	}

	private static long[] range(String range) {
		if (range == null) {
			return null;
		}
		String[] bounds = range.split("-");
		return new long[] { Long.parseLong(bounds[0]), Long.parseLong(bounds[1]) };
	}

	static Duration duration(String text) {
		Matcher m = Pattern.compile("(\\d+)(ms|s|m)").matcher(text.trim());
		if (!m.matches()) {
			usage("a duration such as 250ms, 30s or 5m, not " + text);
		}
		long n = Long.parseLong(m.group(1));
		return switch (m.group(2)) {
			case "ms" -> Duration.ofMillis(n);
			case "s" -> Duration.ofSeconds(n);
			default -> Duration.ofMinutes(n);
		};
	}

	private static void usage(String expected) {
		System.err.println("bench tools: expected " + expected
				+ "\ncommands: nginx-conf, providers, load, burst, raw-proxy, plot, alloc, overload, overload-provider (see Tools.java)");
		System.exit(2);
	}

}
