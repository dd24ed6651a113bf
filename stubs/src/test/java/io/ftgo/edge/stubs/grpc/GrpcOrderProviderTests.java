package io.ftgo.edge.stubs.grpc;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import io.ftgo.edge.stubs.FtgoProviders;
import io.ftgo.edge.stubs.FtgoSeeds;
import io.ftgo.edge.stubs.Provider;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import net.chrisrichardson.ftgo.orderservice.grpc.CancelOrderRequest;
import net.chrisrichardson.ftgo.orderservice.grpc.CreateOrderReply;
import net.chrisrichardson.ftgo.orderservice.grpc.CreateOrderRequest;
import net.chrisrichardson.ftgo.orderservice.grpc.GetOrderReply;
import net.chrisrichardson.ftgo.orderservice.grpc.GetOrderRequest;
import net.chrisrichardson.ftgo.orderservice.grpc.GetOrdersForConsumerRequest;
import net.chrisrichardson.ftgo.orderservice.grpc.LineItem;
import net.chrisrichardson.ftgo.orderservice.grpc.OrderServiceGrpc;
import net.chrisrichardson.ftgo.orderservice.grpc.OrderServiceGrpc.OrderServiceBlockingStub;
import net.chrisrichardson.ftgo.orderservice.grpc.ReviseOrderRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The gRPC order provider through a real gRPC client over loopback, against the REST
 * order provider's answers for the same ids; faults, journal and admin API.
 */
@Timeout(60) // a hung call fails its test instead of the build's fork timeout
class GrpcOrderProviderTests {

	private static final HttpClient HTTP = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(2))
		.build();

	private static final Metadata.Key<String> CONSUMER_ID = Metadata.Key.of("x-consumer-id",
			Metadata.ASCII_STRING_MARSHALLER);

	private static GrpcOrderProvider grpc;

	private static FtgoProviders rest;

	private ManagedChannel channel;

	private OrderServiceBlockingStub orders;

	@BeforeAll
	static void startProviders() {
		grpc = GrpcOrderProvider.startOnRandomPorts();
		rest = FtgoProviders.startOnRandomPorts();
	}

	@AfterAll
	static void stopProviders() {
		grpc.close();
		rest.close();
	}

	@BeforeEach
	void connect() {
		grpc.reset();
		this.channel = NettyChannelBuilder.forTarget(grpc.target()).usePlaintext().build();
		this.orders = OrderServiceGrpc.newBlockingStub(this.channel);
	}

	@AfterEach
	void disconnect() throws InterruptedException {
		this.channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
	}

	@Test
	void getOrder_everySeededOrder_answersWhatTheRestOrderProviderAnswers() {
		assertThat(OrderSeeds.fromMappings().orders().keySet()).hasSize(17)
			.contains(FtgoSeeds.ORDER_ON_THE_WAY, FtgoSeeds.ORDER_OF_BOB, FtgoSeeds.FAULT_DELIVERY_SLOW,
					FtgoSeeds.FAULT_KITCHEN_500, FtgoSeeds.FAULT_ACCOUNTING_RESET,
					FtgoSeeds.FAULT_RESTAURANT_MALFORMED);
		for (long orderId : OrderSeeds.fromMappings().orders().keySet()) {
			GetOrderReply reply = this.orders.getOrder(GetOrderRequest.newBuilder().setOrderId(orderId).build());

			assertThat(json(reply)).as("order %d", orderId).isEqualTo(restJson("GET", "/orders/" + orderId, 200));
		}
	}

	@Test
	void getOrder_onTheWay_hasEveryFieldOfTheRestAnswer() {
		GetOrderReply order = this.orders
			.getOrder(GetOrderRequest.newBuilder().setOrderId(FtgoSeeds.ORDER_ON_THE_WAY).build());

		assertThat(order.getOrderId()).isEqualTo(7001);
		assertThat(order.getState()).isEqualTo("APPROVED");
		assertThat(order.getOrderTotal()).isEqualTo("61.70");
		assertThat(order.getConsumerId()).isEqualTo(FtgoSeeds.ALICE);
		assertThat(order.getRestaurantId()).isEqualTo(FtgoSeeds.AJANTA);
		assertThat(order.getLineItemsList()).hasSize(5);
		assertThat(order.getLineItems(0).getMenuItemId()).isEqualTo(50101);
		assertThat(order.getLineItems(0).getName()).isEqualTo("Chicken Vindaloo");
		assertThat(order.getLineItems(0).getQuantity()).isEqualTo(2);
		assertThat(order.getLineItems(0).getPrice()).isEqualTo("12.50");
		assertThat(order.getDeliveryAddress().getCity()).isEqualTo("Berkeley");
		assertThat(order.getCreatedAt()).isEqualTo("2026-11-21T17:00:00Z");
	}

	@Test
	void getOrdersForConsumer_everyConsumer_answersWhatTheRestOrderProviderAnswers() {
		for (long consumerId : new long[] { FtgoSeeds.ALICE, FtgoSeeds.BOB, FtgoSeeds.CAROL, FtgoSeeds.DAVE,
				FtgoSeeds.UNKNOWN }) {
			Message reply = this.orders
				.getOrdersForConsumer(GetOrdersForConsumerRequest.newBuilder().setConsumerId(consumerId).build());

			// The REST answer's "startKey": null is the unset optional field.
			JsonObject expected = restJson("GET", "/orders?consumerId=" + consumerId, 200);
			assertThat(expected.remove("startKey").isJsonNull()).isTrue();
			if (expected.getAsJsonArray("orders").isEmpty()) {
				expected.remove("orders");
			}
			assertThat(json(reply)).as("consumer %d", consumerId).isEqualTo(expected);
		}
	}

	@Test
	void createCancelRevise_answerWhatTheRestOrderProviderAnswers() {
		CreateOrderReply created = this.orders.createOrder(CreateOrderRequest.newBuilder()
			.setConsumerId(FtgoSeeds.ALICE)
			.setRestaurantId(FtgoSeeds.AJANTA)
			.addLineItems(LineItem.newBuilder().setMenuItemId("50101").setQuantity(2))
			.build());
		Message cancelled = this.orders
			.cancelOrder(CancelOrderRequest.newBuilder().setOrderId(FtgoSeeds.ORDER_ON_THE_WAY).build());
		Message revised = this.orders.reviseOrder(ReviseOrderRequest.newBuilder()
			.setOrderId(FtgoSeeds.ORDER_ON_THE_WAY)
			.putRevisedLineItemQuantities("50101", 3)
			.build());

		assertThat(created.getOrderId()).isEqualTo(FtgoSeeds.NEW_ORDER);
		assertThat(json(created)).isEqualTo(restJson("POST", "/orders", 200));
		assertThat(json(cancelled)).isEqualTo(restJson("POST", "/orders/7001/cancel", 200));
		assertThat(json(revised)).isEqualTo(restJson("POST", "/orders/7001/revise", 200));
	}

	@Test
	void contract_theEdgesCreateOrderBody_parsesIntoTheBooksRequest() throws Exception {
		// The book's LineItem.menuItemId is a string; the edge's bodies carry a JSON
		// number.
		CreateOrderRequest.Builder request = CreateOrderRequest.newBuilder();
		JsonFormat.parser()
			.merge("{\"restaurantId\": 501, \"consumerId\": 1001, \"lineItems\": [{\"menuItemId\": 50101, \"quantity\": 2}]}",
					request);

		assertThat(request.getRestaurantId()).isEqualTo(501);
		assertThat(request.getLineItems(0).getMenuItemId()).isEqualTo("50101");
		assertThat(this.orders.createOrder(request.build()).getOrderId()).isEqualTo(FtgoSeeds.NEW_ORDER);
		assertThat(grpc.calls("createOrder").get(0).request()).contains(request.build());
	}

	@Test
	void unknownOrder_notFound_asTheRestOrderProviderAnswers404() {
		restJson("GET", "/orders/" + FtgoSeeds.UNKNOWN, 404);

		assertThatThrownBy(
				() -> this.orders.getOrder(GetOrderRequest.newBuilder().setOrderId(FtgoSeeds.UNKNOWN).build()))
			.isInstanceOfSatisfying(StatusRuntimeException.class,
					(ex) -> assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
		assertThatThrownBy(
				() -> this.orders.cancelOrder(CancelOrderRequest.newBuilder().setOrderId(FtgoSeeds.UNKNOWN).build()))
			.isInstanceOfSatisfying(StatusRuntimeException.class,
					(ex) -> assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
	}

	@Test
	void journal_recordsMethodMetadataDeadlineAndRequest() {
		Metadata headers = new Metadata();
		headers.put(CONSUMER_ID, "1001");
		this.orders.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
			.withDeadlineAfter(5, TimeUnit.SECONDS)
			.getOrder(GetOrderRequest.newBuilder().setOrderId(7001).build());
		this.orders.getOrdersForConsumer(GetOrdersForConsumerRequest.newBuilder().setConsumerId(1001).build());

		assertThat(grpc.callCount("GetOrder")).isEqualTo(1);
		assertThat(grpc.callCount("orderservice.OrderService/GetOrdersForConsumer")).isEqualTo(1);
		assertThat(grpc.callCount("OrderService/createOrder")).isZero();
		assertThat(grpc.callCount()).isEqualTo(2);
		assertThat(grpc.callCounts()).containsExactly(Map.entry("GetOrder", 1), Map.entry("GetOrdersForConsumer", 1));
		GrpcCall call = grpc.calls("GetOrder").get(0);
		assertThat(call.fullMethod()).isEqualTo("orderservice.OrderService/GetOrder");
		assertThat(call.header("X-Consumer-Id")).contains("1001");
		assertThat(call.grpcTimeout()).isPresent();
		assertThat(call.deadline()).hasValueSatisfying(
				(deadline) -> assertThat(deadline).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(5)));
		assertThat(call.request()).contains(GetOrderRequest.newBuilder().setOrderId(7001).build());
		assertThat(call.outcome()).contains("OK");
		assertThat(call.fault()).isEmpty();
		GrpcCall withoutDeadline = grpc.calls("GetOrdersForConsumer").get(0);
		assertThat(withoutDeadline.deadline()).isEmpty();
		assertThat(withoutDeadline.grpcTimeout()).isEmpty();
		assertThat(withoutDeadline.header("x-consumer-id")).isEmpty();

		grpc.resetCalls();

		assertThat(grpc.callCount()).isZero();
		assertThat(grpc.calls()).isEmpty();
	}

	@ParameterizedTest
	@EnumSource(value = Status.Code.class,
			names = { "UNAVAILABLE", "DEADLINE_EXCEEDED", "RESOURCE_EXHAUSTED", "INTERNAL", "INVALID_ARGUMENT",
					"UNAUTHENTICATED", "PERMISSION_DENIED", "NOT_FOUND", "ALREADY_EXISTS", "FAILED_PRECONDITION",
					"ABORTED", "UNKNOWN" })
	void statusFault_endsTheCallsOfThatMethodWithIt(Status.Code code) {
		grpc.inject(GrpcFault.status(code).forMethod("GetOrder"));

		assertThat(statusOf(() -> getOrder(7001))).isEqualTo(code);
		assertThat(statusOf(() -> getOrder(7001))).isEqualTo(code);
		assertThat(this.orders.createOrder(CreateOrderRequest.getDefaultInstance()).getOrderId()).isEqualTo(7100);
		assertThat(grpc.callCount("GetOrder")).isEqualTo(2);
		assertThat(grpc.calls("GetOrder").get(0).outcome()).contains(code.name());
		assertThat(grpc.calls("GetOrder").get(0).fault()).contains(code.name() + " on GetOrder");
	}

	@Test
	void fault_times_isSpentAfterThatManyCalls() {
		grpc.inject(GrpcFault.status(Status.Code.UNAVAILABLE).times(1));

		assertThat(statusOf(() -> getOrder(7001))).isEqualTo(Status.Code.UNAVAILABLE);
		assertThat(getOrder(7001).getOrderId()).isEqualTo(7001);
		assertThat(grpc.faults().values()).singleElement().satisfies((fault) -> assertThat(fault.getValue()).isZero());
	}

	@Test
	void fault_newestMatchingWins_andClearing() {
		grpc.inject(GrpcFault.status(Status.Code.INTERNAL));
		var unavailable = grpc.inject(GrpcFault.status(Status.Code.UNAVAILABLE).forMethod("GetOrder"));

		assertThat(statusOf(() -> getOrder(7001))).isEqualTo(Status.Code.UNAVAILABLE);
		assertThat(statusOf(() -> this.orders.createOrder(CreateOrderRequest.getDefaultInstance())))
			.isEqualTo(Status.Code.INTERNAL);

		assertThat(grpc.clearFault(unavailable)).isTrue();
		assertThat(statusOf(() -> getOrder(7001))).isEqualTo(Status.Code.INTERNAL);

		grpc.clearFaults();
		assertThat(getOrder(7001).getOrderId()).isEqualTo(7001);
	}

	@Test
	void delayFault_answersNormallyLater_orTheClientsDeadlineEndsTheCall() {
		grpc.inject(GrpcFault.delay(Duration.ofMillis(200)).forMethod("GetOrder").times(1));
		assertThat(getOrder(7001).getOrderId()).isEqualTo(7001);
		assertThat(grpc.calls("GetOrder").get(0).outcome()).contains("OK");

		grpc.inject(GrpcFault.delay(Duration.ofHours(1)).forMethod("GetOrder"));
		assertThat(statusOf(() -> this.orders.withDeadlineAfter(300, TimeUnit.MILLISECONDS)
			.getOrder(GetOrderRequest.newBuilder().setOrderId(7001).build()))).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
		assertThat(grpc.callCount("GetOrder")).isEqualTo(2);
	}

	@Test
	void hangFault_neverAnswers_theClientsDeadlineEndsTheCall() {
		grpc.inject(GrpcFault.hang().forMethod("GetOrder"));

		assertThat(statusOf(() -> this.orders.withDeadlineAfter(300, TimeUnit.MILLISECONDS)
			.getOrder(GetOrderRequest.newBuilder().setOrderId(7001).build()))).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
		assertThat(grpc.callCount("GetOrder")).isEqualTo(1);
		assertThat(grpc.calls("GetOrder").get(0).fault()).contains("hang on GetOrder");
		assertThat(grpc.calls("GetOrder").get(0).request())
			.contains(GetOrderRequest.newBuilder().setOrderId(7001).build());
	}

	@Test
	void resetFault_resetsTheStream_theConnectionStays() {
		assertThat(getOrder(7001).getOrderId()).isEqualTo(7001);
		grpc.inject(GrpcFault.reset().forMethod("GetOrder").times(1));

		assertThatThrownBy(() -> getOrder(7001)).isInstanceOfSatisfying(StatusRuntimeException.class,
				(ex) -> assertThat(ex.getStatus().getDescription()).contains("RST_STREAM"));
		assertThat(getOrder(7001).getOrderId()).isEqualTo(7001);
		assertThat(grpc.calls("GetOrder").get(1).outcome()).contains("RESET");
	}

	@Test
	void dropFault_closesTheConnection_theChannelReconnects() {
		assertThat(getOrder(7001).getOrderId()).isEqualTo(7001);
		grpc.inject(GrpcFault.dropConnection().forMethod("GetOrder").times(1));

		assertThat(statusOf(() -> getOrder(7001))).isEqualTo(Status.Code.UNAVAILABLE);
		assertThat(grpc.calls("GetOrder").get(1).outcome()).contains("DROPPED");
		assertThat(this.orders.withWaitForReady()
			.withDeadlineAfter(10, TimeUnit.SECONDS)
			.getOrder(GetOrderRequest.newBuilder().setOrderId(7001).build())
			.getOrderId()).isEqualTo(7001);
	}

	@Test
	void stopAndStart_refusesCallsThenServesOnTheSamePort() {
		int port = grpc.port();
		grpc.stop();

		assertThat(grpc.isRunning()).isFalse();
		assertThat(statusOf(() -> getOrder(7001))).isEqualTo(Status.Code.UNAVAILABLE);

		grpc.start();

		assertThat(grpc.port()).isEqualTo(port);
		assertThat(this.orders.withWaitForReady()
			.withDeadlineAfter(10, TimeUnit.SECONDS)
			.getOrder(GetOrderRequest.newBuilder().setOrderId(7001).build())
			.getOrderId()).isEqualTo(7001);
	}

	@Test
	void faults_badInput_namesTheFieldAndTheExpectation() {
		assertThatThrownBy(() -> GrpcFault.status(Status.Code.OK)).hasMessageStartingWith("status: OK");
		assertThatThrownBy(() -> GrpcFault.status("UNAVAILABLEX")).hasMessageStartingWith("status: 'UNAVAILABLEX'");
		assertThatThrownBy(() -> GrpcFault.hang().forMethod("GetBill"))
			.hasMessageStartingWith("method: 'GetBill' (expected: * or one of [createOrder, cancelOrder, reviseOrder,"
					+ " GetOrder, GetOrdersForConsumer]");
		assertThatThrownBy(() -> GrpcFault.hang().times(0)).hasMessageStartingWith("times: 0");
		assertThatThrownBy(() -> GrpcFault.delay(Duration.ZERO)).hasMessageStartingWith("delay: PT0S");
	}

	@Test
	void adminApi_countsPerMethod_listsCalls_andDeleteResets() throws Exception {
		Metadata headers = new Metadata();
		headers.put(CONSUMER_ID, "1001");
		this.orders.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
			.withDeadlineAfter(5, TimeUnit.SECONDS)
			.getOrder(GetOrderRequest.newBuilder().setOrderId(7001).build());
		getOrder(7002);
		this.orders.createOrder(CreateOrderRequest.newBuilder().setConsumerId(1001).build());

		JsonObject all = admin("GET", "/__admin/requests", null, 200);
		assertThat(all.get("total").getAsInt()).isEqualTo(3);
		assertThat(all.getAsJsonObject("counts").get("GetOrder").getAsInt()).isEqualTo(2);
		assertThat(all.getAsJsonObject("counts").get("createOrder").getAsInt()).isEqualTo(1);
		JsonObject first = all.getAsJsonArray("requests").get(0).getAsJsonObject();
		assertThat(first.get("method").getAsString()).isEqualTo("GetOrder");
		assertThat(first.get("fullMethod").getAsString()).isEqualTo("orderservice.OrderService/GetOrder");
		assertThat(first.getAsJsonObject("metadata").getAsJsonArray("x-consumer-id").get(0).getAsString())
			.isEqualTo("1001");
		assertThat(first.get("deadlineMillis").getAsLong()).isPositive().isLessThanOrEqualTo(5000);
		assertThat(first.get("grpcTimeout").getAsString()).isNotEmpty();
		// int64 ids as JSON numbers, as in the REST answers
		assertThat(first.getAsJsonObject("request").get("orderId").getAsJsonPrimitive().isNumber()).isTrue();
		assertThat(first.get("outcome").getAsString()).isEqualTo("OK");

		JsonObject getOrders = admin("GET", "/__admin/requests?method=GetOrder", null, 200);
		assertThat(getOrders.get("total").getAsInt()).isEqualTo(2);
		assertThat(getOrders.getAsJsonArray("requests")).hasSize(2);
		assertThat(admin("GET", "/__admin/requests/count?method=createOrder", null, 200).get("count").getAsInt())
			.isEqualTo(1);

		admin("DELETE", "/__admin/requests", null, 200);

		assertThat(admin("GET", "/__admin/requests", null, 200).get("total").getAsInt()).isZero();
		assertThat(grpc.callCount()).isZero();
	}

	@Test
	void adminApi_faults_injectListClear() throws Exception {
		admin("POST", "/__admin/faults", "{\"kind\": \"delay\", \"delayMs\": 10}", 201);
		admin("POST", "/__admin/faults", "{\"method\": \"GetOrdersForConsumer\", \"kind\": \"hang\"}", 201);
		// the newest matching fault wins
		JsonObject created = admin("POST", "/__admin/faults",
				"{\"method\": \"GetOrder\", \"kind\": \"status\", \"status\": \"RESOURCE_EXHAUSTED\", \"times\": 1}",
				201);

		List<JsonElement> listed = admin("GET", "/__admin/faults", null, 200).getAsJsonArray("faults").asList();
		assertThat(listed).hasSize(3);
		assertThat(listed.get(2).getAsJsonObject().get("id").getAsString()).isEqualTo(created.get("id").getAsString());
		assertThat(statusOf(() -> getOrder(7001))).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
		assertThat(getOrder(7001).getOrderId()).isEqualTo(7001);

		admin("DELETE", "/__admin/faults/" + created.get("id").getAsString(), null, 200);
		admin("DELETE", "/__admin/faults/" + created.get("id").getAsString(), null, 404);
		assertThat(grpc.faults()).hasSize(2);
		admin("DELETE", "/__admin/faults", null, 200);
		assertThat(grpc.faults()).isEmpty();

		admin("POST", "/__admin/faults", "{\"kind\": \"reset\", \"method\": \"createOrder\"}", 201);
		admin("POST", "/__admin/reset", null, 200);
		assertThat(grpc.faults()).isEmpty();
		assertThat(grpc.callCount()).isZero();
	}

	@Test
	void adminApi_badFault_400NamingTheField() throws Exception {
		assertThat(admin("POST", "/__admin/faults", "{\"kind\": \"status\", \"status\": \"NOPE\"}", 400).get("error")
			.getAsString()).startsWith("status: 'NOPE'");
		assertThat(admin("POST", "/__admin/faults", "{\"kind\": \"melt\"}", 400).get("error").getAsString())
			.startsWith("kind: 'melt'");
		assertThat(admin("POST", "/__admin/faults", "{\"kind\": \"delay\"}", 400).get("error").getAsString())
			.startsWith("delayMs:");
		assertThat(admin("POST", "/__admin/faults", "{\"kind\": \"hang\", \"method\": \"GetBill\"}", 400).get("error")
			.getAsString()).startsWith("method: 'GetBill'");
		assertThat(admin("POST", "/__admin/faults", "not json", 400).get("error").getAsString()).startsWith("body:");
		admin("GET", "/__admin/nothing", null, 404);
		assertThat(grpc.faults()).isEmpty();
	}

	private GetOrderReply getOrder(long orderId) {
		return this.orders.getOrder(GetOrderRequest.newBuilder().setOrderId(orderId).build());
	}

	private static Status.Code statusOf(Runnable call) {
		try {
			call.run();
		}
		catch (StatusRuntimeException ex) {
			return ex.getStatus().getCode();
		}
		throw new AssertionError("the call succeeded");
	}

	private static JsonObject json(Message message) {
		return ProtoJson.toJson(message);
	}

	private static JsonObject restJson(String method, String pathAndQuery, int expectedStatus) {
		HttpResponse<String> response = send(
				HttpRequest.newBuilder(URI.create(rest.baseUrl(Provider.ORDER) + pathAndQuery))
					.method(method,
							"POST".equals(method) ? HttpRequest.BodyPublishers.ofString("{}")
									: HttpRequest.BodyPublishers.noBody())
					.header("Content-Type", "application/json")
					.build());
		assertThat(response.statusCode()).as(method + " " + pathAndQuery).isEqualTo(expectedStatus);
		return response.body().isEmpty() ? new JsonObject() : JsonParser.parseString(response.body()).getAsJsonObject();
	}

	private static JsonObject admin(String method, String path, String body, int expectedStatus) {
		HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(grpc.adminUrl() + path))
			.method(method,
					(body != null) ? HttpRequest.BodyPublishers.ofString(body) : HttpRequest.BodyPublishers.noBody())
			.build());
		assertThat(response.statusCode()).as(method + " " + path + ": " + response.body()).isEqualTo(expectedStatus);
		assertThat(response.headers().firstValue("Content-Type")).contains("application/json");
		return JsonParser.parseString(response.body()).getAsJsonObject();
	}

	private static HttpResponse<String> send(HttpRequest request) {
		try {
			return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
		}
		catch (Exception ex) {
			throw new IllegalStateException(request.method() + " " + request.uri() + ": " + ex, ex);
		}
	}

}
