package io.ftgo.edge.composition.grpc;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.ftgo.edge.composition.Composition;
import io.ftgo.edge.composition.CompositionDefinition;
import io.ftgo.edge.composition.CompositionEngine;
import io.ftgo.edge.composition.CompositionException;
import io.ftgo.edge.composition.CompositionRequest;
import io.ftgo.edge.composition.CompositionResult;
import io.ftgo.edge.composition.PartDefinition;
import io.ftgo.edge.composition.PartStatus;
import io.ftgo.edge.composition.ProviderCalls;
import io.ftgo.edge.composition.ProviderDefinition;
import io.ftgo.edge.composition.ProviderRegistry;
import io.grpc.Context;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import net.chrisrichardson.ftgo.orderservice.grpc.CreateOrderReply;
import net.chrisrichardson.ftgo.orderservice.grpc.CreateOrderRequest;
import net.chrisrichardson.ftgo.orderservice.grpc.GetOrderReply;
import net.chrisrichardson.ftgo.orderservice.grpc.GetOrderRequest;
import net.chrisrichardson.ftgo.orderservice.grpc.GetOrdersForConsumerReply;
import net.chrisrichardson.ftgo.orderservice.grpc.GetOrdersForConsumerRequest;
import net.chrisrichardson.ftgo.orderservice.grpc.OrderServiceGrpc;
import net.chrisrichardson.ftgo.orderservice.grpc.OrderSummary;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import reactor.core.publisher.Flux;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The gRPC transport against a real gRPC server on loopback (FTGO's OrderService): calls
 * are counted at the server, which records the metadata and deadline it received.
 */
class GrpcTransportTests {

	private static final JsonMapper MAPPER = JsonMapper.builder().build();

	private static final String SERVICES = OrderServiceGrpc.class.getName();

	static Server server;

	static final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

	static final List<Metadata> metadata = new CopyOnWriteArrayList<>();

	static final List<Long> deadlines = new CopyOnWriteArrayList<>();

	/** The status every call answers with, or null for OK. */
	static volatile Status.Code failWith;

	CompositionEngine engine;

	ProviderRegistry registry;

	@BeforeAll
	static void start() throws IOException {
		ServerInterceptor recorder = new ServerInterceptor() {
			@Override
			public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
					ServerCallHandler<Q, A> next) {
				calls.computeIfAbsent(call.getMethodDescriptor().getBareMethodName(), (k) -> new AtomicInteger())
					.incrementAndGet();
				metadata.add(headers);
				io.grpc.Deadline deadline = Context.current().getDeadline();
				deadlines.add((deadline != null) ? deadline.timeRemaining(TimeUnit.MILLISECONDS) : -1L);
				return next.startCall(call, headers);
			}
		};
		server = Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
			.addService(ServerInterceptors.intercept(new Orders(), recorder))
			.build()
			.start();
		warmUp();
	}

	/**
	 * The first call of a JVM (class loading, the first connection) out of the tests'
	 * budgets.
	 */
	static void warmUp() {
		ProviderDefinition order = ProviderDefinition.grpc("localhost:" + server.getPort(), List.of(SERVICES))
			.withTimeout(Duration.ofSeconds(30));
		try (CompositionEngine warm = CompositionEngine.builder(ProviderRegistry.of(Map.of("order", order))).build()) {
			warm.calls(request("1"), Duration.ofSeconds(30), 0)
				.get("order", "/OrderService/GetOrder?orderId=1", true, null)
				.block();
		}
	}

	@AfterAll
	static void stop() {
		server.shutdownNow();
	}

	@BeforeEach
	void engine() {
		calls.clear();
		metadata.clear();
		deadlines.clear();
		failWith = null;
		ProviderDefinition order = ProviderDefinition.grpc("localhost:" + server.getPort(), List.of(SERVICES))
			.withTimeout(Duration.ofMillis(800))
			.withRetry(new ProviderDefinition.RetryDefinition(2, Duration.ofMillis(1), 0.0, null));
		this.registry = ProviderRegistry.of(Map.of("order", order));
		this.engine = CompositionEngine.builder(this.registry).build();
	}

	@AfterEach
	void close() {
		this.engine.close();
	}

	private Composition statusCard(boolean required) {
		PartDefinition part = new PartDefinition("order", null, required, null, null, null, null, null, null, null,
				null, null, null, "OrderService/GetOrder", Map.of("orderId", "{orderId}"));
		return Composition.of("status", new CompositionDefinition("GET /orders/{orderId}/status", Map.of("order", part),
				null, Duration.ofMillis(1500), null), this.registry);
	}

	private static CompositionRequest request(String orderId) {
		return CompositionRequest.of(Map.of("orderId", orderId))
			.withHeaders(Map.of("X-Consumer-Id", "1001", "Authorization", "Bearer t"));
	}

	@Test
	void composedPart_callsGetOrder_idsAsNumbers_identityAsMetadata_deadlineWithinTheRequests() {
		CompositionResult result = this.engine.execute(statusCard(true), request("7001")).block();

		JsonNode order = result.body().get("order");
		assertThat(order.get("orderId").isIntegralNumber()).isTrue();
		assertThat(order.get("orderId").asLong()).isEqualTo(7001);
		assertThat(order.get("consumerId").isIntegralNumber()).isTrue();
		assertThat(order.get("orderTotal").asString()).isEqualTo("61.70");
		assertThat(calls.get("GetOrder")).hasValue(1);
		Metadata received = metadata.get(0);
		assertThat(received.get(Metadata.Key.of("x-consumer-id", Metadata.ASCII_STRING_MARSHALLER))).isEqualTo("1001");
		assertThat(received.get(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER)))
			.isEqualTo("Bearer t");
		// The attempt's budget: the provider's 800ms (smaller than the request's 1500ms).
		assertThat(deadlines.get(0)).isPositive().isLessThanOrEqualTo(800);
	}

	@Test
	void list_emptyRepeated_isAnEmptyArray_unsetOptional_isNull() {
		ProviderCalls calls = this.engine.calls(request("0"), Duration.ofSeconds(1), 0);

		JsonNode empty = calls.get("order", "/OrderService/GetOrdersForConsumer?consumerId=9999", true, null)
			.block()
			.value();
		JsonNode some = calls.get("order", "/OrderService/GetOrdersForConsumer?consumerId=1001", true, null)
			.block()
			.value();

		assertThat(empty.toString()).isEqualTo("{\"orders\":[],\"startKey\":null}");
		assertThat(some.get("orders").get(0).get("orderId").isIntegralNumber()).isTrue();
	}

	@Test
	void write_bodyAndBoundFields_boundFieldWins() {
		ProviderCalls calls = this.engine.calls(request("0"), Duration.ofSeconds(1), 0);
		JsonNode body = MAPPER.readTree(
				"{\"restaurantId\":501,\"consumerId\":666,\"lineItems\":[{\"menuItemId\":\"1\",\"quantity\":2}]}");

		JsonNode answer = calls.post("order", "/OrderService/createOrder?consumerId=1001", body).block().value();

		assertThat(answer.toString()).isEqualTo("{\"orderId\":7100}");
		assertThat(calls.calls()).isEqualTo(1);
		assertThat(Orders.lastConsumer).isEqualTo(1001);
	}

	@ParameterizedTest
	@EnumSource(value = Status.Code.class, names = "OK", mode = EnumSource.Mode.EXCLUDE)
	void everyStatus_isTheTablesHttpStatus(Status.Code code) {
		failWith = code;
		ProviderCalls calls = this.engine.calls(request("7001"), Duration.ofSeconds(1), 0);

		Throwable error = calls.get("order", "/OrderService/GetOrder?orderId=7001", true, null)
			.<Throwable>map((outcome) -> null)
			.onErrorResume((e) -> reactor.core.publisher.Mono.just(e))
			.block();

		assertThat(error).isInstanceOf(CompositionException.class);
		int expected = GrpcStatuses.httpStatus(code);
		assertThat(((CompositionException) error).providerStatus()).isEqualTo(expected);
		assertThat(((CompositionException) error).httpStatus()).isEqualTo((expected == 404) ? 404 : 502);
		// Retried only on UNAVAILABLE (max-attempts 2).
		assertThat(calls("GetOrder")).isEqualTo((code == Status.Code.UNAVAILABLE) ? 2 : 1);
		// No gRPC or Java name in what a client could see.
		assertThat(error.getMessage()).doesNotContain("Status", "io.grpc", "Exception", code.name());
	}

	@Test
	void optionalPart_providerFailing_isOmitted() {
		failWith = Status.Code.INTERNAL;

		CompositionResult result = this.engine.execute(statusCard(false), request("7001")).block();

		assertThat(result.parts().get("order").status()).isEqualTo(PartStatus.OMITTED);
		assertThat(result.complete()).isFalse();
	}

	@Test
	void thousandCalls_oneChannel() {
		Flux.range(0, 1000)
			.flatMap((i) -> this.engine.calls(request("7001"), Duration.ofSeconds(5), 0)
				.get("order", "/OrderService/GetOrder?orderId=" + (10_000 + i), true, null), 32)
			.blockLast();

		assertThat(calls("GetOrder")).isEqualTo(1000);
		assertThat(this.engine.grpc().channelsOpened()).isEqualTo(1);
		assertThat(this.engine.grpc().openChannels()).isEqualTo(1);
	}

	@Test
	void startup_badSettings_nameTheKey() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ProviderRegistry.of(Map.of("order",
					new ProviderDefinition(null, null, null, null, null, null, null, null, null,
							ProviderDefinition.Transport.GRPC, null, null, null))))
			.withMessageStartingWith("edge.providers.order.grpc.target: null (expected:");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ProviderRegistry.of(Map.of("order", ProviderDefinition.of("grpc://localhost:9087"))))
			.withMessageContaining("edge.providers.order.url: grpc://localhost:9087 (expected: an absolute http(s) URL")
			.withMessageContaining("grpc.target");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> CompositionEngine
				.builder(ProviderRegistry
					.of(Map.of("order", ProviderDefinition.grpc("localhost:1", List.of("no.such.OrderServiceGrpc")))))
				.build())
			.withMessage("edge.providers.order.grpc.services[0]: no.such.OrderServiceGrpc (expected: a generated"
					+ " *Grpc class on the class path, e.g. net.chrisrichardson.ftgo.orderservice.grpc.OrderServiceGrpc)");
		PartDefinition unknown = new PartDefinition("order", null, true, null, null, null, null, null, null, null, null,
				null, null, "OrderService/GetOrders", Map.of("orderId", "{orderId}"));
		assertThatIllegalArgumentException()
			.isThrownBy(
					() -> Composition.of("status",
							new CompositionDefinition("GET /orders/{orderId}", Map.of("order", unknown), null, null,
									null),
							this.registry))
			.withMessageStartingWith("edge.compositions.status.parts.order.grpc: OrderService/GetOrders (expected: a"
					+ " unary method of [");
		PartDefinition http = PartDefinition.of("order", "/orders/{orderId}");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> Composition.of("status",
					new CompositionDefinition("GET /orders/{orderId}", Map.of("order", http), null, null, null),
					this.registry))
			.withMessageStartingWith("edge.compositions.status.parts.order.grpc: null (expected: the method called");
	}

	private static int calls(String method) {
		AtomicInteger count = calls.get(method);
		return (count != null) ? count.get() : 0;
	}

	/** FTGO's order service with seeds 7001..7003 of consumer 1001. */
	static final class Orders extends OrderServiceGrpc.OrderServiceImplBase {

		static volatile long lastConsumer;

		private static boolean failed(StreamObserver<?> answer) {
			Status.Code code = failWith;
			if (code != null) {
				answer.onError(code.toStatus().withDescription("injected").asRuntimeException());
				return true;
			}
			return false;
		}

		@Override
		public void getOrder(GetOrderRequest request, StreamObserver<GetOrderReply> answer) {
			if (failed(answer)) {
				return;
			}
			answer.onNext(GetOrderReply.newBuilder()
				.setOrderId(request.getOrderId())
				.setState("APPROVED")
				.setOrderTotal("61.70")
				.setConsumerId(1001)
				.setRestaurantId(501)
				.build());
			answer.onCompleted();
		}

		@Override
		public void getOrdersForConsumer(GetOrdersForConsumerRequest request,
				StreamObserver<GetOrdersForConsumerReply> answer) {
			if (failed(answer)) {
				return;
			}
			GetOrdersForConsumerReply.Builder reply = GetOrdersForConsumerReply.newBuilder();
			if (request.getConsumerId() == 1001) {
				reply.addOrders(OrderSummary.newBuilder()
					.setOrderId(7001)
					.setStatus("APPROVED")
					.setRestaurantId(501)
					.setRestaurantName("Ajanta"));
			}
			answer.onNext(reply.build());
			answer.onCompleted();
		}

		@Override
		public void createOrder(CreateOrderRequest request, StreamObserver<CreateOrderReply> answer) {
			if (failed(answer)) {
				return;
			}
			lastConsumer = request.getConsumerId();
			answer.onNext(CreateOrderReply.newBuilder().setOrderId(7100).build());
			answer.onCompleted();
		}

	}

}
