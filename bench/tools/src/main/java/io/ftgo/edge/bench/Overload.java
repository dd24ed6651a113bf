package io.ftgo.edge.bench;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import io.netty.handler.codec.http.HttpHeaderNames;
import org.HdrHistogram.Recorder;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.DisposableServer;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.ConnectionProvider;

/**
 * The overload benchmark's two tools (bench/overload.sh):
 * <ul>
 * <li>{@code overload-provider --port=N --workers=16 --service=40ms}: a provider of finite
 * capacity: {@code workers} requests are served at a time, each for {@code service}; the
 * rest wait in one FIFO queue, and a request whose caller has gone is still served, as a
 * thread-per-request server does. Capacity = workers / service. {@code GET /__calls}
 * counts the calls; {@code GET /__stats} also the calls answered 503 at random
 * ({@code --fail-rate=0.3}), sent after their deadline ({@code X-Request-Deadline-Ms} of 0
 * or less), started by a worker after it ({@code expired_started}) and sent without
 * one.</li>
 * <li>{@code overload --url=... --rate=R --duration=30s [--warmup=10s] [--low-share=0.5]
 * [--low-header="X-Prefetch: 1"] [--header=...] [--deadline=1s] [--timeout=10s]}: an
 * open-loop load at a constant total rate, a share of it low priority (with the low
 * header), the rest high priority; latency counted from when each request was due. One
 * line per class: sent, 2xx, 2xx within the deadline (goodput), 503s, other answers,
 * errors, p50/p99 of the 2xx, p50/p99/max of the 503s.</li>
 * </ul>
 */
final class Overload {

	private Overload() {
	}

	static void run(String command, Map<String, String> options) throws Exception {
		if (command.equals("overload-provider")) {
			provider(options);
		}
		else {
			load(options);
		}
	}

	// ---- the provider of finite capacity

	private static void provider(Map<String, String> options) throws InterruptedException {
		int workers = Integer.parseInt(options.getOrDefault("workers", "16"));
		long service = Tools.duration(options.getOrDefault("service", "40ms")).toNanos();
		ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor();
		ArrayDeque<Sinks.Empty<Void>> queue = new ArrayDeque<>();
		int[] busy = { 0 };
		LongAdder calls = new LongAdder();
		double failRate = Double.parseDouble(options.getOrDefault("fail-rate", "0"));
		LongAdder failed = new LongAdder();
		LongAdder expiredSent = new LongAdder();
		LongAdder expiredStarted = new LongAdder();
		LongAdder noDeadline = new LongAdder();
		Runnable[] drain = new Runnable[1];
		drain[0] = () -> {
			synchronized (queue) {
				while (busy[0] < workers && !queue.isEmpty()) {
					busy[0]++;
					Sinks.Empty<Void> next = queue.poll();
					clock.schedule(() -> {
						next.tryEmitEmpty();
						synchronized (queue) {
							busy[0]--;
						}
						drain[0].run();
					}, service, TimeUnit.NANOSECONDS);
				}
			}
		};
		byte[] body = "{\"orderId\":7001,\"state\":\"APPROVED\",\"orderTotal\":\"61.70\",\"consumerId\":1001,\"restaurantId\":501}"
			.getBytes(StandardCharsets.UTF_8);
		DisposableServer server = HttpServer.create()
			.host("127.0.0.1")
			.port(Integer.parseInt(options.get("port")))
			.handle((request, response) -> {
				if (request.fullPath().equals("/__calls")) {
					return response.sendString(Mono.just(Long.toString(calls.sum())));
				}
				if (request.fullPath().equals("/__stats")) {
					return response.sendString(Mono.just("calls=" + calls.sum() + " failed=" + failed.sum()
							+ " expired_sent=" + expiredSent.sum() + " expired_started=" + expiredStarted.sum()
							+ " no_deadline=" + noDeadline.sum() + "\n"));
				}
				calls.increment();
				long arrived = System.nanoTime();
				// The time the edge said was left when it sent the call (deadlines that
				// travel): 0 or less is a call sent after its deadline.
				String left = request.requestHeaders().get("X-Request-Deadline-Ms");
				long deadline = Long.MAX_VALUE;
				if (left == null) {
					noDeadline.increment();
				}
				else {
					long ms = Long.parseLong(left.trim());
					if (ms <= 0) {
						expiredSent.increment();
					}
					deadline = arrived + TimeUnit.MILLISECONDS.toNanos(ms);
				}
				boolean fail = failRate > 0 && ThreadLocalRandom.current().nextDouble() < failRate;
				long expiresAt = deadline;
				Sinks.Empty<Void> served = Sinks.empty();
				synchronized (queue) {
					queue.add(served);
				}
				drain[0].run();
				return served.asMono().then(Mono.defer(() -> {
					// Served once a worker took it (the queue wait included): work done
					// for an answer nobody waits for any more.
					if (expiresAt != Long.MAX_VALUE && System.nanoTime() - service - expiresAt > 0) {
						expiredStarted.increment();
					}
					if (fail) {
						failed.increment();
						return response.status(503).header(HttpHeaderNames.CONTENT_LENGTH, "0").send().then();
					}
					return Mono.<Void>empty();
				})).then(Mono.defer(() -> fail ? Mono.<Void>empty() : response
					.header(HttpHeaderNames.CONTENT_TYPE, "application/json")
						.header(HttpHeaderNames.CONTENT_LENGTH, Integer.toString(body.length))
						.sendByteArray(Mono.just(body))
						.then()));
			})
			.bindNow();
		System.out.println("overload-provider on " + server.port() + ": " + workers + " workers x "
				+ TimeUnit.NANOSECONDS.toMillis(service) + "ms");
		server.onDispose().block();
	}

	// ---- the open-loop load of two priorities

	private static final class Stats {

		final String name;

		final AtomicLong sent = new AtomicLong();

		final LongAdder ok = new LongAdder();

		final LongAdder good = new LongAdder();

		final LongAdder shed = new LongAdder();

		final LongAdder other = new LongAdder();

		final LongAdder errors = new LongAdder();

		final Recorder okLatency = new Recorder(3);

		final Recorder shedLatency = new Recorder(3);

		Stats(String name) {
			this.name = name;
		}

		String line(double seconds) {
			var okHistogram = this.okLatency.getIntervalHistogram();
			var shedHistogram = this.shedLatency.getIntervalHistogram();
			return String.format(Locale.ROOT,
					"%s sent=%d ok=%d good=%d goodput=%.0f/s shed=%d other=%d errors=%d ok_p50=%.2f ok_p99=%.2f shed_p50=%.2f shed_p99=%.2f shed_max=%.2f",
					this.name, this.sent.get(), this.ok.sum(), this.good.sum(), this.good.sum() / seconds,
					this.shed.sum(), this.other.sum(), this.errors.sum(), okHistogram.getValueAtPercentile(50) / 1e6,
					okHistogram.getValueAtPercentile(99) / 1e6, shedHistogram.getValueAtPercentile(50) / 1e6,
					shedHistogram.getValueAtPercentile(99) / 1e6, shedHistogram.getMaxValue() / 1e6);
		}

	}

	private static void load(Map<String, String> options) throws Exception {
		String url = options.get("url");
		double rate = Double.parseDouble(options.get("rate"));
		Duration duration = Tools.duration(options.get("duration"));
		Duration warmup = Tools.duration(options.getOrDefault("warmup", "0s"));
		long deadline = Tools.duration(options.getOrDefault("deadline", "1s")).toNanos();
		Duration timeout = Tools.duration(options.getOrDefault("timeout", "10s"));
		double lowShare = Double.parseDouble(options.getOrDefault("low-share", "0.5"));
		String[] lowHeader = header(options.getOrDefault("low-header", "X-Prefetch: 1"));
		List<String[]> headers = new ArrayList<>();
		options.forEach((k, v) -> {
			if (k.startsWith("header.")) {
				headers.add(header(v));
			}
		});
		HttpClient client = HttpClient
			.create(ConnectionProvider.builder("overload")
				.maxConnections(Integer.parseInt(options.getOrDefault("connections", "4096")))
				.pendingAcquireMaxCount(-1)
				.pendingAcquireTimeout(Duration.ofSeconds(60))
				.build())
			.responseTimeout(timeout)
			.headers((h) -> headers.forEach((kv) -> h.add(kv[0], kv[1])));
		HttpClient low = client.headers((h) -> h.add(lowHeader[0], lowHeader[1]));
		run(client, low, url, rate, lowShare, warmup, deadline, new Stats("high"), new Stats("low"));
		Stats high = new Stats("high");
		Stats lowStats = new Stats("low");
		run(client, low, url, rate, lowShare, duration, deadline, high, lowStats);
		double seconds = duration.toNanos() / 1e9;
		System.out.println(high.line(seconds));
		System.out.println(lowStats.line(seconds));
		client.configuration().connectionProvider().disposeLater().block();
	}

	private static void run(HttpClient high, HttpClient low, String url, double rate, double lowShare,
			Duration duration, long deadline, Stats highStats, Stats lowStats) throws InterruptedException {
		if (duration.isZero()) {
			return;
		}
		OpenLoopSchedule schedule = new OpenLoopSchedule(rate, duration);
		CountDownLatch done = new CountDownLatch((int) schedule.total());
		for (long i = 0; i < schedule.total(); i++) {
			long due = schedule.awaitDue(i);
			boolean isLow = ThreadLocalRandom.current().nextDouble() < lowShare;
			Stats stats = isLow ? lowStats : highStats;
			stats.sent.incrementAndGet();
			(isLow ? low : high).get()
				.uri(url.replace("{id}", Long.toString(ThreadLocalRandom.current().nextLong(10000, 100000))))
				.responseSingle((response, body) -> body.then(Mono.just(response.status().code())))
				.subscribe((status) -> {
					long latency = Math.max(1, System.nanoTime() - due);
					if (status >= 200 && status < 300) {
						stats.ok.increment();
						stats.okLatency.recordValue(latency);
						if (latency <= deadline) {
							stats.good.increment();
						}
					}
					else if (status == 503) {
						stats.shed.increment();
						stats.shedLatency.recordValue(latency);
					}
					else {
						stats.other.increment();
					}
					done.countDown();
				}, (error) -> {
					stats.errors.increment();
					done.countDown();
				});
		}
		if (!done.await(duration.toSeconds() + 120, TimeUnit.SECONDS)) {
			System.out.println("# " + done.getCount() + " requests never completed");
		}
	}

	private static String[] header(String header) {
		int colon = header.indexOf(':');
		return new String[] { header.substring(0, colon).trim(), header.substring(colon + 1).trim() };
	}

}
