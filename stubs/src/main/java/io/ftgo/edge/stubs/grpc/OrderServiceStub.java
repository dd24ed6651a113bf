package io.ftgo.edge.stubs.grpc;

import java.util.ArrayList;
import java.util.List;

import io.grpc.MethodDescriptor;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import net.chrisrichardson.ftgo.orderservice.grpc.CancelOrderReply;
import net.chrisrichardson.ftgo.orderservice.grpc.CancelOrderRequest;
import net.chrisrichardson.ftgo.orderservice.grpc.CreateOrderReply;
import net.chrisrichardson.ftgo.orderservice.grpc.CreateOrderRequest;
import net.chrisrichardson.ftgo.orderservice.grpc.GetOrderReply;
import net.chrisrichardson.ftgo.orderservice.grpc.GetOrderRequest;
import net.chrisrichardson.ftgo.orderservice.grpc.GetOrdersForConsumerReply;
import net.chrisrichardson.ftgo.orderservice.grpc.GetOrdersForConsumerRequest;
import net.chrisrichardson.ftgo.orderservice.grpc.OrderServiceGrpc;
import net.chrisrichardson.ftgo.orderservice.grpc.ReviseOrderReply;
import net.chrisrichardson.ftgo.orderservice.grpc.ReviseOrderRequest;

/**
 * OrderService answering from the {@link OrderSeeds}, as the REST order stub answers:
 * {@code createOrder} always the new order id, reads by id or {@code NOT_FOUND}, a
 * consumer without orders an empty list.
 */
final class OrderServiceStub extends OrderServiceGrpc.OrderServiceImplBase {

	private final OrderSeeds seeds;

	OrderServiceStub(OrderSeeds seeds) {
		this.seeds = seeds;
	}

	@Override
	public void createOrder(CreateOrderRequest request, StreamObserver<CreateOrderReply> answer) {
		reply(answer, this.seeds.created(), 0);
	}

	@Override
	public void cancelOrder(CancelOrderRequest request, StreamObserver<CancelOrderReply> answer) {
		reply(answer, this.seeds.cancellation(request.getOrderId()), request.getOrderId());
	}

	@Override
	public void reviseOrder(ReviseOrderRequest request, StreamObserver<ReviseOrderReply> answer) {
		reply(answer, this.seeds.revision(request.getOrderId()), request.getOrderId());
	}

	@Override
	public void getOrder(GetOrderRequest request, StreamObserver<GetOrderReply> answer) {
		reply(answer, this.seeds.order(request.getOrderId()), request.getOrderId());
	}

	@Override
	public void getOrdersForConsumer(GetOrdersForConsumerRequest request,
			StreamObserver<GetOrdersForConsumerReply> answer) {
		reply(answer, this.seeds.ordersOf(request.getConsumerId()), request.getConsumerId());
	}

	private static <T> void reply(StreamObserver<T> answer, T reply, long orderId) {
		if (reply == null) {
			answer.onError(Status.NOT_FOUND.withDescription("order " + orderId + " not found").asRuntimeException());
			return;
		}
		answer.onNext(reply);
		answer.onCompleted();
	}

	/** The bare names of OrderService's methods, e.g. {@code GetOrder}. */
	static List<String> methods() {
		ServiceDescriptor service = OrderServiceGrpc.getServiceDescriptor();
		List<String> methods = new ArrayList<>();
		for (MethodDescriptor<?, ?> method : service.getMethods()) {
			methods.add(method.getBareMethodName());
		}
		return methods;
	}

	/**
	 * {@code GetOrder}, {@code OrderService/GetOrder} or
	 * {@code orderservice.OrderService/GetOrder} as {@code GetOrder}; {@code null} and
	 * {@code *} as {@code *}.
	 * @throws IllegalArgumentException if OrderService has no such method
	 */
	static String bareMethod(String method) {
		if (method == null || method.isBlank() || GrpcFault.ANY_METHOD.equals(method.trim())) {
			return GrpcFault.ANY_METHOD;
		}
		String name = method.trim();
		int slash = name.lastIndexOf('/');
		String service = (slash < 0) ? null : name.substring(0, slash);
		String bare = name.substring(slash + 1);
		boolean serviceOk = service == null || service.equals("OrderService")
				|| service.equals(OrderServiceGrpc.SERVICE_NAME);
		if (!serviceOk || !methods().contains(bare)) {
			throw new IllegalArgumentException("method: '" + method + "' (expected: * or one of " + methods()
					+ ", optionally prefixed with " + OrderServiceGrpc.SERVICE_NAME + "/)");
		}
		return bare;
	}

}
