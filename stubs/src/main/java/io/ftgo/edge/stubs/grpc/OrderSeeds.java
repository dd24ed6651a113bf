package io.ftgo.edge.stubs.grpc;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.github.tomakehurst.wiremock.http.RequestMethod;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.matching.EqualToPattern;
import com.github.tomakehurst.wiremock.matching.MultiValuePattern;
import com.github.tomakehurst.wiremock.matching.RequestPattern;
import com.github.tomakehurst.wiremock.matching.SingleMatchMultiValuePattern;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import io.ftgo.edge.stubs.FtgoProviders;
import io.ftgo.edge.stubs.Provider;
import net.chrisrichardson.ftgo.orderservice.grpc.CancelOrderReply;
import net.chrisrichardson.ftgo.orderservice.grpc.CreateOrderReply;
import net.chrisrichardson.ftgo.orderservice.grpc.GetOrderReply;
import net.chrisrichardson.ftgo.orderservice.grpc.GetOrdersForConsumerReply;
import net.chrisrichardson.ftgo.orderservice.grpc.ReviseOrderReply;

/**
 * The gRPC order provider's answers, read from the REST order provider's seed mappings
 * ({@code wiremock/order/mappings}), so that both transports answer the same for the same
 * ids. Each 200 answer's JSON body is parsed into the reply message strictly: a field of
 * a REST answer that the contract lacks fails here, at start-up, naming the mapping.
 */
final class OrderSeeds {

	private static final Pattern ORDER = Pattern.compile("/orders/(\\d+)");

	private static final Pattern CANCEL = Pattern.compile("/orders/(\\d+)/cancel");

	private static final Pattern REVISE = Pattern.compile("/orders/(\\d+)/revise");

	private final Map<Long, GetOrderReply> orders = new HashMap<>();

	private final Map<Long, GetOrdersForConsumerReply> histories = new HashMap<>();

	private final Map<Long, CancelOrderReply> cancellations = new HashMap<>();

	private final Map<Long, ReviseOrderReply> revisions = new HashMap<>();

	private GetOrdersForConsumerReply noOrders = GetOrdersForConsumerReply.getDefaultInstance();

	private CreateOrderReply created;

	private OrderSeeds() {
	}

	/** Every answer of the order provider's seed mappings. */
	static OrderSeeds fromMappings() {
		OrderSeeds seeds = new OrderSeeds();
		for (StubMapping stub : FtgoProviders.seedMappings(Provider.ORDER)) {
			seeds.add(stub);
		}
		if (seeds.created == null || seeds.orders.isEmpty()) {
			throw new IllegalStateException(
					"order seed mappings: no POST /orders or GET /orders/{id} answer (is the stubs jar complete?)");
		}
		return seeds;
	}

	/** {@code GET /orders/{orderId}}'s answer, or {@code null} (404). */
	GetOrderReply order(long orderId) {
		return this.orders.get(orderId);
	}

	/** {@code GET /orders?consumerId=}'s answer (no orders for an unknown consumer). */
	GetOrdersForConsumerReply ordersOf(long consumerId) {
		return this.histories.getOrDefault(consumerId, this.noOrders);
	}

	/** {@code POST /orders/{orderId}/cancel}'s answer, or {@code null} (404). */
	CancelOrderReply cancellation(long orderId) {
		return this.cancellations.get(orderId);
	}

	/** {@code POST /orders/{orderId}/revise}'s answer, or {@code null} (404). */
	ReviseOrderReply revision(long orderId) {
		return this.revisions.get(orderId);
	}

	/** {@code POST /orders}'s answer. */
	CreateOrderReply created() {
		return this.created;
	}

	/** The ids of every seeded order. */
	Map<Long, GetOrderReply> orders() {
		return Collections.unmodifiableMap(this.orders);
	}

	private void add(StubMapping stub) {
		RequestPattern request = stub.getRequest();
		if (stub.getResponse().getStatus() != 200 || request.getUrlPath() == null) {
			return;
		}
		String path = request.getUrlPath();
		RequestMethod method = request.getMethod();
		Matcher matcher;
		if (RequestMethod.GET.equals(method) && (matcher = ORDER.matcher(path)).matches()) {
			this.orders.put(Long.parseLong(matcher.group(1)), parse(stub, GetOrderReply.newBuilder()));
		}
		else if (RequestMethod.GET.equals(method) && "/orders".equals(path)) {
			GetOrdersForConsumerReply history = parse(stub, GetOrdersForConsumerReply.newBuilder());
			String consumerId = consumerIdEqualTo(request);
			if (consumerId != null) {
				this.histories.put(Long.parseLong(consumerId), history);
			}
			else {
				this.noOrders = history;
			}
		}
		else if (RequestMethod.POST.equals(method) && (matcher = CANCEL.matcher(path)).matches()) {
			this.cancellations.put(Long.parseLong(matcher.group(1)), parse(stub, CancelOrderReply.newBuilder()));
		}
		else if (RequestMethod.POST.equals(method) && (matcher = REVISE.matcher(path)).matches()) {
			this.revisions.put(Long.parseLong(matcher.group(1)), parse(stub, ReviseOrderReply.newBuilder()));
		}
		else if (RequestMethod.POST.equals(method) && "/orders".equals(path)) {
			this.created = parse(stub, CreateOrderReply.newBuilder());
		}
	}

	/** The consumer id of {@code ?consumerId=N} (equalTo), else {@code null}. */
	private static String consumerIdEqualTo(RequestPattern request) {
		Map<String, MultiValuePattern> query = request.getQueryParameters();
		MultiValuePattern consumerId = (query != null) ? query.get("consumerId") : null;
		if (consumerId instanceof SingleMatchMultiValuePattern single
				&& single.getValuePattern() instanceof EqualToPattern equalTo) {
			return equalTo.getExpected();
		}
		return null;
	}

	@SuppressWarnings("unchecked")
	private static <T extends Message> T parse(StubMapping stub, Message.Builder builder) {
		try {
			ResponseDefinition response = stub.getResponse();
			String body = (response.getJsonBody() != null) ? response.getJsonBody().toString() : response.getBody();
			JsonFormat.parser().merge((body != null) ? body : "{}", builder);
		}
		catch (InvalidProtocolBufferException ex) {
			throw new IllegalStateException("order seed mapping '" + stub.getName() + "': its answer does not fit "
					+ builder.getDescriptorForType().getFullName() + " (" + ex.getMessage()
					+ "); extend OrderService.proto", ex);
		}
		return (T) builder.build();
	}

}
