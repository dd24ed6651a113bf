package io.ftgo.edge.composition.grpc;

import java.lang.reflect.Method;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import com.google.protobuf.Descriptors;
import com.google.protobuf.Message;
import io.ftgo.edge.composition.policy.ProviderSettings;
import io.grpc.MethodDescriptor;
import io.grpc.ServiceDescriptor;
import io.grpc.protobuf.ProtoServiceDescriptorSupplier;

/**
 * The methods a gRPC provider offers, read from the generated {@code *Grpc} classes named
 * by {@code edge.providers.<id>.grpc.services} (their method descriptors and message
 * prototypes). Loaded once per list of classes; looking a method up fails at start-up
 * with the key, the name and the methods there are.
 */
public final class GrpcServices {

	private static final Map<List<String>, GrpcServices> LOADED = new ConcurrentHashMap<>();

	private final Map<String, GrpcMethod> methods;

	private GrpcServices(Map<String, GrpcMethod> methods) {
		this.methods = methods;
	}

	/**
	 * The methods of a gRPC provider.
	 * @param provider the provider's settings ({@code transport: grpc})
	 * @return its methods
	 * @throws IllegalArgumentException naming {@code grpc.services} when a class is not a
	 * generated gRPC service
	 */
	public static GrpcServices of(ProviderSettings provider) {
		if (!provider.isGrpc()) {
			throw new IllegalArgumentException("edge.providers." + provider.id() + ".transport: http (expected: grpc)");
		}
		List<String> services = provider.grpc().services();
		GrpcServices loaded = LOADED.get(services);
		if (loaded == null) {
			loaded = load("edge.providers." + provider.id() + ".grpc.services", services);
			LOADED.putIfAbsent(services, loaded);
		}
		return loaded;
	}

	private static GrpcServices load(String key, List<String> services) {
		Map<String, GrpcMethod> methods = new TreeMap<>();
		for (int i = 0; i < services.size(); i++) {
			String name = services.get(i).trim();
			String expected = " (expected: a generated *Grpc class on the class path, e.g."
					+ " net.chrisrichardson.ftgo.orderservice.grpc.OrderServiceGrpc)";
			ServiceDescriptor service;
			try {
				Class<?> type = Class.forName(name, true, GrpcServices.class.getClassLoader());
				Method getter = type.getMethod("getServiceDescriptor");
				service = (ServiceDescriptor) getter.invoke(null);
			}
			catch (ReflectiveOperationException | ClassCastException | LinkageError ex) {
				throw new IllegalArgumentException(key + "[" + i + "]: " + name + expected);
			}
			if (!(service.getSchemaDescriptor() instanceof ProtoServiceDescriptorSupplier schema)) {
				throw new IllegalArgumentException(key + "[" + i + "]: " + name + expected);
			}
			Descriptors.ServiceDescriptor proto = schema.getServiceDescriptor();
			for (MethodDescriptor<?, ?> method : service.getMethods()) {
				if (method.getType() != MethodDescriptor.MethodType.UNARY
						|| !(method.getRequestMarshaller() instanceof MethodDescriptor.PrototypeMarshaller<?>)) {
					continue;
				}
				@SuppressWarnings("unchecked")
				MethodDescriptor<Message, Message> typed = (MethodDescriptor<Message, Message>) method;
				Descriptors.MethodDescriptor protoMethod = proto.findMethodByName(method.getBareMethodName());
				GrpcMethod grpcMethod = new GrpcMethod(proto.getName() + "/" + method.getBareMethodName(), typed,
						protoMethod);
				methods.put(key(proto.getName() + "/" + method.getBareMethodName()), grpcMethod);
				methods.put(key(method.getFullMethodName()), grpcMethod);
			}
		}
		return new GrpcServices(Collections.unmodifiableMap(methods));
	}

	/**
	 * A method by name, checked at start-up.
	 * @param key the configuration key that names it, for the message
	 * @param name {@code Service/Method} (simple or full service name; case-insensitive)
	 * @return the method
	 * @throws IllegalArgumentException naming the key and the methods there are
	 */
	public GrpcMethod method(String key, String name) {
		GrpcMethod method = find(name);
		if (method == null) {
			List<String> names = new ArrayList<>();
			this.methods.values().stream().map(GrpcMethod::name).distinct().forEach(names::add);
			throw new IllegalArgumentException(key + ": " + name + " (expected: a unary method of " + names + ")");
		}
		return method;
	}

	/**
	 * A method by name.
	 * @param name {@code Service/Method}
	 * @return the method or {@code null}
	 */
	public GrpcMethod find(String name) {
		return (name != null) ? this.methods.get(key(name)) : null;
	}

	private static String key(String name) {
		return name.toLowerCase(Locale.ROOT);
	}

	/**
	 * Every unary method, once each.
	 * @return the methods
	 */
	public Collection<GrpcMethod> methods() {
		return new LinkedHashSet<>(this.methods.values());
	}

	/**
	 * One unary method.
	 *
	 * @param name {@code Service/Method}
	 * @param descriptor the gRPC method (typed marshallers of the generated messages)
	 * @param proto its protobuf descriptor
	 */
	public record GrpcMethod(String name, MethodDescriptor<Message, Message> descriptor,
			Descriptors.MethodDescriptor proto) {

		/**
		 * A builder of the request message.
		 * @return a new builder
		 */
		public Message.Builder newRequest() {
			@SuppressWarnings("unchecked")
			MethodDescriptor.PrototypeMarshaller<Message> marshaller = (MethodDescriptor.PrototypeMarshaller<Message>) this.descriptor
				.getRequestMarshaller();
			return marshaller.getMessagePrototype().newBuilderForType();
		}

		/**
		 * A builder of the response message.
		 * @return a new builder
		 */
		public Message.Builder newResponse() {
			@SuppressWarnings("unchecked")
			MethodDescriptor.PrototypeMarshaller<Message> marshaller = (MethodDescriptor.PrototypeMarshaller<Message>) this.descriptor
				.getResponseMarshaller();
			return marshaller.getMessagePrototype().newBuilderForType();
		}

	}

}
