package io.ftgo.edge.gateway.ratelimit;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.function.IntFunction;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;

/** Fires requests at a test app over loopback and checks rate-limit answers. */
final class RateLimitHttp {

	private final WebClient client;

	RateLimitHttp(int port) {
		this.client = WebClient.builder().baseUrl("http://127.0.0.1:" + port).build();
	}

	/**
	 * A client whose connections come from {@code localAddress} (another loopback
	 * address, e.g. 127.0.0.2): a peer with an anonymous budget of its own.
	 */
	RateLimitHttp(int port, String localAddress) {
		HttpClient http = HttpClient.create().bindAddress(() -> new InetSocketAddress(localAddress, 0));
		this.client = WebClient.builder()
			.baseUrl("http://127.0.0.1:" + port)
			.clientConnector(new ReactorClientHttpConnector(http))
			.build();
	}

	/** One answer. */
	record Answer(int status, HttpHeaders headers, String body) {

		String header(String name) {
			return this.headers.getFirst(name);
		}

	}

	/**
	 * {@code count} requests at once (all in flight together), each made by
	 * {@code request}.
	 */
	List<Answer> concurrently(int count, IntFunction<Request> request) {
		return Flux.range(0, count)
			.flatMap((i) -> send(request.apply(i)), count)
			.collectList()
			.block(Duration.ofSeconds(30));
	}

	Answer one(Request request) {
		return send(request).block(Duration.ofSeconds(30));
	}

	private Mono<Answer> send(Request request) {
		return this.client.get()
			.uri(request.path())
			.headers((headers) -> headers.addAll(request.headers()))
			.exchangeToMono((response) -> response.bodyToMono(String.class)
				.defaultIfEmpty("")
				.map((body) -> new Answer(response.statusCode().value(), response.headers().asHttpHeaders(), body)));
	}

	/** A GET to {@code path} with headers. */
	record Request(String path, HttpHeaders headers) {

		static Request get(String path) {
			return new Request(path, new HttpHeaders());
		}

		Request bearer(String token) {
			HttpHeaders copy = new HttpHeaders();
			copy.addAll(this.headers);
			copy.setBearerAuth(token);
			return new Request(this.path, copy);
		}

		Request header(String name, String value) {
			HttpHeaders copy = new HttpHeaders();
			copy.addAll(this.headers);
			copy.add(name, value);
			return new Request(this.path, copy);
		}

	}

	static long count(List<Answer> answers, int status) {
		return answers.stream().filter((a) -> a.status() == status).count();
	}

	/** A 429 as the API promises it: headers, problem+json, no internals. */
	static void assertLimited(Answer answer, int limit, long windowSeconds) {
		assertThat(answer.status()).isEqualTo(429);
		long retryAfter = Long.parseLong(answer.header(HttpHeaders.RETRY_AFTER));
		assertThat(retryAfter).isBetween(1L, windowSeconds);
		assertThat(answer.header("RateLimit-Policy")).matches(policy(limit, windowSeconds));
		assertThat(remaining(answer)).isEqualTo("0");
		// t: until the bucket is full again; Retry-After: until its next token
		assertThat(reset(answer)).isBetween(retryAfter, windowSeconds);
		assertThat(answer.header("RateLimit-Limit")).isNull();
		assertThat(MediaType.parseMediaType(answer.header(HttpHeaders.CONTENT_TYPE)))
			.isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
		assertThat(answer.body()).contains("\"status\":429", "\"code\":\"rate_limited\"")
			.doesNotContain("127.0.0.1", "ip:", "sub:", "client:", "Exception");
	}

	/** An allowed answer with its rate-limit headers. */
	static void assertAllowed(Answer answer, int limit, long windowSeconds) {
		assertThat(answer.status()).isEqualTo(200);
		assertThat(answer.header("RateLimit-Policy")).matches(policy(limit, windowSeconds));
		assertThat(Integer.parseInt(remaining(answer))).isBetween(0, limit - 1);
		assertThat(reset(answer)).isBetween(1L, windowSeconds);
		assertThat(answer.header(HttpHeaders.RETRY_AFTER)).isNull();
	}

	/**
	 * {@code RateLimit-Policy} of the current draft: the named policy (the tier), quota
	 * and window.
	 */
	static String policy(int limit, long windowSeconds) {
		return "\"[a-z0-9_-]+\";q=" + limit + ";w=" + windowSeconds;
	}

	/** The {@code t} (seconds until the bucket is full again) of {@code RateLimit}. */
	static long reset(Answer answer) {
		java.util.regex.Matcher reset = java.util.regex.Pattern.compile(";t=(\\d+)$")
			.matcher(answer.header("RateLimit"));
		assertThat(reset.find()).as("RateLimit: %s", answer.header("RateLimit")).isTrue();
		return Long.parseLong(reset.group(1));
	}

	/** The {@code r} (remaining) parameter of the {@code RateLimit} field, or null. */
	static String remaining(Answer answer) {
		String field = answer.header("RateLimit");
		if (field == null) {
			return null;
		}
		java.util.regex.Matcher m = java.util.regex.Pattern.compile("^\"[a-z0-9_-]+\";r=(\\d+);t=\\d+$").matcher(field);
		return m.matches() ? m.group(1) : "malformed: " + field;
	}

}
