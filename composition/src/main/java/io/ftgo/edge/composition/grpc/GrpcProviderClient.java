package io.ftgo.edge.composition.grpc;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.ftgo.edge.composition.FailureReason;
import io.ftgo.edge.composition.ProviderClient;
import io.ftgo.edge.composition.policy.CallFailure;
import io.ftgo.edge.composition.policy.ProviderSettings;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ConnectivityState;
import io.grpc.Deadline;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.TlsChannelCredentials;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * The provider client of a BFF with gRPC providers: calls of {@code transport: grpc}
 * providers go over gRPC, every other call to the HTTP client it wraps. Per gRPC
 * provider:
 * <ul>
 * <li>one long-lived channel, created with the client and closed with it (never one per
 * call); with a {@code dns:///} target of several addresses, calls are balanced
 * round-robin; a call that finds the channel failing asks it to reconnect at once, so a
 * provider that is back is used again without waiting out gRPC's reconnect backoff;</li>
 * <li>non-blocking calls ({@link ClientCall} with a direct executor) adapted to
 * {@link Mono}; cancelling the {@code Mono} cancels the call;</li>
 * <li>the attempt's time budget ({@link ProviderClient#ATTEMPT_TIMEOUT}) sent as the
 * call's deadline;</li>
 * <li>the request's propagation headers (the identity the edge derived from the verified
 * token, the bearer token) sent as metadata, lower-cased; nothing else of the client's
 * request is forwarded;</li>
 * <li>the method and inputs read from the call's path ({@link GrpcTarget}), the JSON body
 * and the answer mapped by {@link ProtoJson};</li>
 * <li>a gRPC status other than {@code OK} answered as the HTTP status of
 * {@link GrpcStatuses}; the call's own deadline passing is a timeout.</li>
 * </ul>
 */
public final class GrpcProviderClient implements ProviderClient, AutoCloseable {

	/** Headers never sent as metadata: HTTP-only or reserved by gRPC. */
	private static final Set<String> NOT_METADATA = Set.of("host", "connection", "content-length", "content-type", "te",
			"transfer-encoding", "upgrade", "keep-alive", "accept-encoding", "user-agent");

	private final ProviderClient http;

	private final ProtoJson json;

	private final Map<String, Channel> channels = new LinkedHashMap<>();

	private final AtomicInteger opened = new AtomicInteger();

	/** Calls answered per provider, replica ({@code host:port}) and outcome. */
	private final Map<String, java.util.concurrent.atomic.LongAdder> replicaCalls = new java.util.concurrent.ConcurrentHashMap<>();

	/**
	 * Create the client: one channel per gRPC provider (connecting from start-up).
	 * @param providers every provider's settings
	 * @param http the client of HTTP providers
	 * @param mapper reads and writes JSON
	 * @throws IllegalArgumentException naming the key of a bad {@code grpc} setting
	 */
	public GrpcProviderClient(Map<String, ProviderSettings> providers, ProviderClient http, JsonMapper mapper) {
		this(providers, http, mapper, Map.of());
	}

	/**
	 * Create the client: one channel per gRPC provider (connecting from start-up), over
	 * the provider's replicas with outlier ejection where {@code balancing} has it.
	 * @param providers every provider's settings
	 * @param http the client of HTTP providers
	 * @param mapper reads and writes JSON
	 * @param balancing replicas and outlier ejection by provider id (providers without an
	 * entry use their {@code grpc.target} with round robin only)
	 * @throws IllegalArgumentException naming the key of a bad {@code grpc} setting
	 */
	public GrpcProviderClient(Map<String, ProviderSettings> providers, ProviderClient http, JsonMapper mapper,
			Map<String, GrpcBalancing> balancing) {
		this.http = http;
		this.json = new ProtoJson(mapper);
		providers.forEach((id, settings) -> {
			if (settings.isGrpc()) {
				GrpcServices services = GrpcServices.of(settings);
				this.channels.put(id, new Channel(settings, services, open(id, settings, balancing.get(id))));
			}
		});
		this.channels.values().forEach(this::warmUp);
	}

	/**
	 * Ready the first call at start-up instead of during it: the channel starts
	 * connecting now (in the background: {@code getState(true)} never waits), and every
	 * method's messages go through the JSON mapping once, which loads the protobuf and
	 * JSON classes. A cold first call paid both inside its deadline. A provider not up
	 * yet is retried by the channel with its reconnect backoff, as after any lost
	 * connection.
	 */
	private void warmUp(Channel channel) {
		channel.channel.getState(true);
		for (GrpcServices.GrpcMethod method : channel.services.methods()) {
			this.json.toJson(method.newRequest().build());
			this.json.toJson(method.newResponse().build());
		}
	}

	@SuppressWarnings("deprecation") // nameResolverFactory: the one way to give one
										// channel its own static list
	private ManagedChannel open(String id, ProviderSettings settings, GrpcBalancing balancing) {
		String target = settings.grpc().target();
		StaticAddresses replicas = null;
		if (balancing != null && !balancing.addresses().isEmpty()) {
			replicas = new StaticAddresses(id, balancing.addresses());
			target = replicas.target();
		}
		else if (balancing != null && balancing.target() != null) {
			target = balancing.target();
		}
		ManagedChannelBuilder<?> builder = Grpc
			.newChannelBuilder(target,
					settings.grpc().plaintext() ? InsecureChannelCredentials.create() : TlsChannelCredentials.create())
			.directExecutor()
			.userAgent("ftgo-edge");
		if (replicas != null) {
			builder.nameResolverFactory(replicas);
		}
		if (balancing != null) {
			// Round robin under grpc-java's outlier detection (gRFC A50).
			builder.defaultServiceConfig(balancing.serviceConfig());
		}
		else {
			builder.defaultLoadBalancingPolicy("round_robin");
		}
		ManagedChannel channel = builder.build();
		this.opened.incrementAndGet();
		return channel;
	}

	/**
	 * Whether a provider is called over gRPC by this client.
	 * @param provider the provider id
	 * @return {@code true} for a gRPC provider
	 */
	public boolean isGrpc(String provider) {
		return this.channels.containsKey(provider);
	}

	/**
	 * Channels opened since the client was created: one per gRPC provider, whatever the
	 * number of calls.
	 * @return the number of channels opened
	 */
	public int channelsOpened() {
		return this.opened.get();
	}

	/**
	 * Channels open now (not shut down).
	 * @return the number of open channels
	 */
	public int openChannels() {
		return (int) this.channels.values().stream().filter((c) -> !c.channel.isShutdown()).count();
	}

	/**
	 * The gRPC providers and their channel's connectivity state (for the explain view and
	 * tests).
	 * @return state by provider id
	 */
	public Map<String, String> channelStates() {
		Map<String, String> states = new LinkedHashMap<>();
		this.channels.forEach((id, c) -> states.put(id, c.channel.getState(false).name()));
		return states;
	}

	@Override
	public Mono<Response> exchange(Request request) {
		Channel channel = this.channels.get(request.provider());
		if (channel == null) {
			return this.http.exchange(request);
		}
		return Mono.deferContextual((context) -> {
			GrpcServices.GrpcMethod method;
			Message message;
			try {
				GrpcTarget target = GrpcTarget.parse(request.path());
				method = channel.services.find(target.method());
				if (method == null) {
					return Mono.error(new CallFailure(FailureReason.ERROR, 0));
				}
				message = this.json.toMessage(method.newRequest(), request.body(), target.fields());
			}
			catch (InvalidProtocolBufferException | IllegalArgumentException ex) {
				// What an HTTP provider answers to a value that does not fit: 400.
				return Mono.just(new Response(400, Map.of(), null));
			}
			Duration budget = context.getOrDefault(ATTEMPT_TIMEOUT, channel.settings.timeout());
			return call(channel, method, message, metadata(request.headers()), budget);
		});
	}

	private Mono<Response> call(Channel channel, GrpcServices.GrpcMethod method, Message message, Metadata metadata,
			Duration budget) {
		return Mono.<Response>create((sink) -> {
			if (channel.channel.getState(false) == ConnectivityState.TRANSIENT_FAILURE) {
				// The provider was down: try it now rather than after gRPC's reconnect
				// backoff (up to 2 minutes); the breaker bounds the calls of an outage.
				channel.channel.resetConnectBackoff();
			}
			Deadline deadline = Deadline.after(Math.max(budget.toNanos(), 1), TimeUnit.NANOSECONDS);
			ClientCall<Message, Message> call = channel.channel.newCall(method.descriptor(),
					CallOptions.DEFAULT.withDeadline(deadline));
			sink.onCancel(() -> call.cancel("cancelled by the edge", null));
			call.start(new ClientCall.Listener<>() {

				private Message answer;

				@Override
				public void onMessage(Message value) {
					this.answer = value;
				}

				@Override
				public void onClose(Status status, Metadata trailers) {
					countReplica(channel.settings.id(), call, status);
					if (status.isOk() && this.answer != null) {
						try {
							sink.success(new Response(200, Map.of(), GrpcProviderClient.this.json.toJson(this.answer)));
						}
						catch (RuntimeException ex) {
							sink.error(new CallFailure(FailureReason.BAD_PAYLOAD, 0));
						}
					}
					else if (status.isOk()) {
						sink.error(new CallFailure(FailureReason.BAD_PAYLOAD, 0));
					}
					else if (status.getCode() == Status.Code.DEADLINE_EXCEEDED && deadline.isExpired()) {
						// The edge's own deadline passed: a timeout, as for an HTTP
						// provider.
						sink.error(new CallFailure(FailureReason.TIMEOUT, 0));
					}
					else {
						sink.success(new Response(GrpcStatuses.httpStatus(status.getCode()), Map.of(), null));
					}
				}

			}, metadata);
			call.request(2);
			call.sendMessage(message);
			call.halfClose();
		});
	}

	/** Counts a call by the replica that answered it (when it reached one). */
	private void countReplica(String provider, ClientCall<?, ?> call, Status status) {
		java.net.SocketAddress remote;
		try {
			remote = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
		}
		catch (RuntimeException ex) {
			return;
		}
		if (remote instanceof java.net.InetSocketAddress address && address.getAddress() != null) {
			String key = replicaKey(provider, address.getAddress().getHostAddress() + ":" + address.getPort(),
					status.isOk());
			this.replicaCalls.computeIfAbsent(key, (k) -> new java.util.concurrent.atomic.LongAdder()).increment();
		}
	}

	private static String replicaKey(String provider, String instance, boolean success) {
		return provider + " " + instance + " " + (success ? "success" : "failure");
	}

	/**
	 * Calls a replica answered, as grpc-java's outlier detection counts them: a failure
	 * is any status other than {@code OK}.
	 * @param provider the provider id
	 * @param instance the replica, {@code host:port} (an IP address)
	 * @param success {@code true} for calls answered {@code OK}
	 * @return the number of calls since start
	 */
	public long replicaCalls(String provider, String instance, boolean success) {
		java.util.concurrent.atomic.LongAdder calls = this.replicaCalls.get(replicaKey(provider, instance, success));
		return (calls != null) ? calls.sum() : 0;
	}

	/**
	 * The propagation headers as metadata (lower-case keys); binary, pseudo and HTTP-only
	 * headers are not sent.
	 */
	static Metadata metadata(Map<String, String> headers) {
		Metadata metadata = new Metadata();
		headers.forEach((name, value) -> {
			String key = name.toLowerCase(Locale.ROOT);
			if (value == null || NOT_METADATA.contains(key) || key.startsWith("grpc-") || key.startsWith(":")
					|| key.endsWith(Metadata.BINARY_HEADER_SUFFIX)) {
				return;
			}
			try {
				metadata.put(Metadata.Key.of(key, Metadata.ASCII_STRING_MARSHALLER), value);
			}
			catch (IllegalArgumentException ex) {
				// Not a valid metadata key or value: not sent.
			}
		});
		return metadata;
	}

	/** Shuts every channel down (calls in flight end with {@code UNAVAILABLE}). */
	@Override
	public void close() {
		this.channels.values().forEach((c) -> c.channel.shutdownNow());
	}

	/**
	 * The providers called over gRPC.
	 * @return their ids
	 */
	public List<String> providers() {
		return List.copyOf(this.channels.keySet());
	}

	private record Channel(ProviderSettings settings, GrpcServices services, ManagedChannel channel) {
	}

}
