package io.ftgo.edge.bench;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.reactor.bulkhead.operator.BulkheadOperator;
import io.github.resilience4j.reactor.circuitbreaker.operator.CircuitBreakerOperator;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * The order page written by hand: {@code GET /api/web/orders/{orderId}} calls the order
 * provider, then ticket, delivery, bill, restaurant and consumer at once with
 * {@code Mono.zip}, and answers one JSON document. The caller's bearer token is passed
 * on, as the edge does.
 * <ul>
 * <li>{@code --protect=false} (a): nothing else, as the book's gateway does;</li>
 * <li>{@code --protect=true} (b): per call what the edge gives it by default: a timeout
 * bounded by a 2 s request deadline, a resilience4j circuit breaker (50%, window 20) and
 * a bulkhead (64) per provider, and an optional part that fails becomes {@code null}.</li>
 * </ul>
 * Provider base URLs: {@code --providers.order=http://...} and so on.
 */
@SpringBootApplication
public class ComposeBaseline {

	private static final String[] OTHERS = { "kitchen", "delivery", "accounting", "restaurant", "consumer" };

	public static void main(String[] args) {
		SpringApplication.run(ComposeBaseline.class, args);
	}

	@Bean
	RouterFunction<ServerResponse> orderPage(@Value("${protect:false}") boolean protect,
			org.springframework.core.env.Environment env) {
		HttpClient http = HttpClient.create(ConnectionProvider.builder("providers")
			.maxConnections(500)
			.maxIdleTime(Duration.ofSeconds(20))
			.build());
		WebClient client = WebClient.builder().clientConnector(new ReactorClientHttpConnector(http)).build();
		Map<String, Provider> providers = new LinkedHashMap<>();
		for (String id : new String[] { "order", "kitchen", "delivery", "accounting", "restaurant", "consumer" }) {
			String url = env.getRequiredProperty("providers." + id);
			Duration timeout = "order".equals(id) ? Duration.ofMillis(800) : Duration.ofMillis(500);
			providers.put(id, new Provider(id, url, timeout, protect));
		}
		return RouterFunctions.route().GET("/api/web/orders/{orderId}", (request) -> {
			String auth = request.headers().firstHeader(HttpHeaders.AUTHORIZATION);
			long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
			String orderId = request.pathVariable("orderId");
			return providers.get("order").get(client, "/orders/" + orderId, auth, deadline).flatMap((order) -> {
				String id = order.path("orderId").asString();
				Mono<JsonNode> ticket = optional(providers.get("kitchen").get(client, "/tickets/" + id, auth, deadline),
						protect);
				Mono<JsonNode> delivery = optional(
						providers.get("delivery").get(client, "/deliveries/" + id, auth, deadline), protect);
				Mono<JsonNode> bill = optional(providers.get("accounting").get(client, "/bills/" + id, auth, deadline),
						protect);
				Mono<JsonNode> restaurant = optional(providers.get("restaurant")
					.get(client, "/restaurants/" + order.path("restaurantId").asString(), auth, deadline), protect);
				Mono<JsonNode> consumer = optional(providers.get("consumer")
					.get(client, "/consumers/" + order.path("consumerId").asString(), auth, deadline), protect);
				return Mono.zip(ticket, delivery, bill, restaurant, consumer).map((parts) -> {
					ObjectNode page = JsonNodeFactory.instance.objectNode();
					page.set("order", order);
					page.set("ticket", parts.getT1());
					page.set("delivery", parts.getT2());
					page.set("bill", parts.getT3());
					ObjectNode r = JsonNodeFactory.instance.objectNode();
					r.set("id", parts.getT4().get("id"));
					r.set("name", parts.getT4().get("name"));
					r.set("address", parts.getT4().get("address"));
					page.set("restaurant", r);
					ObjectNode c = JsonNodeFactory.instance.objectNode();
					c.set("firstName", parts.getT5().path("name").get("firstName"));
					c.set("lastName", parts.getT5().path("name").get("lastName"));
					page.set("consumer", c);
					return page;
				});
			})
				.flatMap((page) -> ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(page))
				.onErrorResume((ex) -> ServerResponse.status(502).build());
		}).build();
	}

	private static Mono<JsonNode> optional(Mono<JsonNode> call, boolean protect) {
		return protect ? call.onErrorReturn(JsonNodeFactory.instance.nullNode()) : call;
	}

	/** One provider and, with protection, its breaker, bulkhead and timeout. */
	static final class Provider {

		private final String url;

		private final Duration timeout;

		private final UnaryOperator<Mono<JsonNode>> protection;

		Provider(String id, String url, Duration timeout, boolean protect) {
			this.url = url;
			this.timeout = timeout;
			if (protect) {
				CircuitBreaker breaker = CircuitBreaker.of(id,
						CircuitBreakerConfig.custom()
							.failureRateThreshold(50)
							.slidingWindowSize(20)
							.minimumNumberOfCalls(10)
							.waitDurationInOpenState(Duration.ofSeconds(30))
							.build());
				Bulkhead bulkhead = Bulkhead.of(id,
						BulkheadConfig.custom().maxConcurrentCalls(64).maxWaitDuration(Duration.ZERO).build());
				CircuitBreakerOperator<JsonNode> cb = CircuitBreakerOperator.of(breaker);
				BulkheadOperator<JsonNode> bh = BulkheadOperator.of(bulkhead);
				this.protection = (call) -> call.transformDeferred(bh).transformDeferred(cb);
			}
			else {
				this.protection = null;
			}
		}

		Mono<JsonNode> get(WebClient client, String path, String auth, long deadline) {
			Mono<JsonNode> call = client.get()
				.uri(this.url + path)
				.headers((headers) -> {
					if (auth != null) {
						headers.set(HttpHeaders.AUTHORIZATION, auth);
					}
				})
				.retrieve()
				.bodyToMono(JsonNode.class);
			if (this.protection == null) {
				return call;
			}
			return Mono.defer(() -> {
				long left = deadline - System.nanoTime();
				return call.timeout(Duration.ofNanos(Math.max(1, Math.min(this.timeout.toNanos(), left))));
			}).transform(this.protection);
		}

	}

}
