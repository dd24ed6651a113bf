package io.ftgo.edge.composition;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import io.ftgo.edge.composition.grpc.GrpcTarget;
import io.ftgo.edge.composition.plan.PartModel;
import io.ftgo.edge.composition.plan.PlannedComposition;
import io.ftgo.edge.composition.plan.Planner;
import io.ftgo.edge.composition.policy.ProviderSettings;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A validated, planned composition: built once at start-up from a declarative
 * {@link CompositionDefinition} or with the Java DSL, then executed by a
 * {@link CompositionEngine} created with the same {@link ProviderRegistry}. Both front
 * doors produce the same plan for the same composition.
 *
 * <pre class="code">
 * Composition orderDetails = Composition.builder("order-details")
 *     .request("GET /api/web/orders/{orderId}")
 *     .part("order", (p) -&gt; p.from("order").get("/orders/{orderId}").required())
 *     .part("ticket", (p) -&gt; p.from("kitchen").get("/tickets/{order.orderId}"))
 *     .authorize("order.consumerId == principal.consumerId")
 *     .build(providers);
 * </pre>
 *
 * Building fails with an {@link IllegalArgumentException} whose message names the key and
 * the fix, for: cycles, unknown parts or providers, references to fields a part does not
 * project, required parts depending on optional ones, request parameters the request
 * never supplies, and malformed templates or settings.
 */
public final class Composition {

	private static final JsonMapper MAPPER = JsonMapper.builder().build();

	private final PlannedComposition planned;

	private final ProviderRegistry providers;

	private Composition(PlannedComposition planned, ProviderRegistry providers) {
		this.planned = planned;
		this.providers = providers;
	}

	/**
	 * The path a part calls: its {@code get} on an HTTP provider, its {@code grpc} method
	 * (as a {@link GrpcTarget} template) on a gRPC provider.
	 */
	private static String path(String partKey, PartDefinition part, ProviderRegistry providers) {
		ProviderSettings settings = (part.from() != null) ? providers.settings().get(part.from()) : null;
		boolean grpc = settings != null && settings.isGrpc();
		if (!grpc) {
			if (part.get() == null && part.grpc() != null && settings != null) {
				throw new IllegalArgumentException(partKey + ".grpc: " + part.grpc() + " (expected: get, as provider '"
						+ part.from() + "' speaks HTTP; fix: add get, or set edge.providers." + part.from()
						+ ".transport: grpc)");
			}
			return part.get();
		}
		if (part.grpc() == null) {
			throw new IllegalArgumentException(partKey + ".grpc: null (expected: the method called, e.g."
					+ " OrderService/GetOrder, as provider '" + part.from() + "' has transport: grpc)");
		}
		String template = GrpcTarget.template(partKey + ".grpc", part.grpc(), part.input());
		io.ftgo.edge.composition.grpc.GrpcServices.of(settings).method(partKey + ".grpc", part.grpc());
		return template;
	}

	/**
	 * Plans a declarative composition ({@code edge.compositions.<name>}).
	 * @param name the composition name
	 * @param definition the definition
	 * @param providers the providers its parts call
	 * @return the composition
	 * @throws IllegalArgumentException naming the key and the fix
	 */
	public static Composition of(String name, CompositionDefinition definition, ProviderRegistry providers) {
		if (definition == null) {
			throw new IllegalArgumentException("edge.compositions." + name + ": null (expected: a definition)");
		}
		List<PartModel> models = new ArrayList<>();
		if (definition.parts() != null) {
			definition.parts().forEach((partName, part) -> {
				if (part == null) {
					throw new IllegalArgumentException("edge.compositions." + name + ".parts." + partName
							+ ": null (expected: a part definition with from and get)");
				}
				JsonNode defaultValue = (part.defaultValue() != null) ? MAPPER.valueToTree(part.defaultValue()) : null;
				String get = path("edge.compositions." + name + ".parts." + partName, part, providers);
				models.add(new PartModel(partName, part.from(), get, Boolean.TRUE.equals(part.required()),
						part.project(), part.forEach(), part.concurrency(), part.onItemFailure(), defaultValue, null,
						null, null, part.expect(), part.where(), (part.page() != null) ? part.page().number() : null,
						(part.page() != null) ? part.page().size() : null,
						(part.page() != null) ? part.page().defaultSize() : null, part.when(), part.freshness()));
			});
		}
		return new Composition(Planner.plan(name, definition.request(), models, definition.authorize(),
				definition.timeout(), definition.parameters(), providers.settings()), providers);
	}

	/**
	 * Starts a Java DSL composition.
	 * @param name the composition name
	 * @return the builder
	 */
	public static Builder builder(String name) {
		return new Builder(name);
	}

	/**
	 * The composition name.
	 * @return the name
	 */
	public String name() {
		return this.planned.name();
	}

	/**
	 * The plan as data: stages, parallelism and per-part policy.
	 * @return the plan
	 */
	public CompositionPlan explain() {
		return this.planned.plan();
	}

	PlannedComposition planned() {
		return this.planned;
	}

	ProviderRegistry providers() {
		return this.providers;
	}

	@Override
	public String toString() {
		return this.planned.plan().describe();
	}

	/**
	 * The Java DSL. Same semantics and defaults as {@link CompositionDefinition}.
	 */
	public static final class Builder {

		private final String name;

		private final Map<String, PartSpec> parts = new LinkedHashMap<>();

		private String request;

		private String authorize;

		private Duration timeout;

		private final Map<String, String> parameters = new LinkedHashMap<>();

		private Builder(String name) {
			this.name = name;
		}

		/**
		 * The endpoint, e.g. {@code GET /api/web/orders/{orderId}}.
		 * @param request the endpoint
		 * @return this builder
		 */
		public Builder request(String request) {
			this.request = request;
			return this;
		}

		/**
		 * The type of a request parameter ({@link ParameterType} spec, e.g. {@code id},
		 * {@code integer(0..1000)}); an undeclared one is a {@code token}.
		 * @param name the parameter name, as in the request
		 * @param spec the type spec
		 * @return this builder
		 */
		public Builder parameter(String name, String spec) {
			this.parameters.put(name, spec);
			return this;
		}

		/**
		 * The request deadline; default 2s.
		 * @param timeout the deadline
		 * @return this builder
		 */
		public Builder timeout(Duration timeout) {
			this.timeout = timeout;
			return this;
		}

		/**
		 * The ownership check, e.g. {@code order.consumerId == principal.consumerId}.
		 * @param authorize the check
		 * @return this builder
		 */
		public Builder authorize(String authorize) {
			this.authorize = authorize;
			return this;
		}

		/**
		 * Adds a part; parts appear in the answer in the order they are added.
		 * @param name the part name
		 * @param spec configures the part
		 * @return this builder
		 */
		public Builder part(String name, Consumer<PartSpec> spec) {
			PartSpec part = new PartSpec();
			spec.accept(part);
			if (this.parts.putIfAbsent(name, part) != null) {
				throw new IllegalArgumentException("edge.compositions." + this.name + ".parts." + name
						+ ": defined twice (fix: give each part its own name)");
			}
			return this;
		}

		/**
		 * Validates and plans the composition.
		 * @param providers the providers its parts call
		 * @return the composition
		 * @throws IllegalArgumentException naming the key and the fix
		 */
		public Composition build(ProviderRegistry providers) {
			List<PartModel> models = new ArrayList<>();
			this.parts.forEach((partName, p) -> models
				.add(new PartModel(partName, p.from, p.get, p.required, p.project.isEmpty() ? null : p.project,
						p.forEach, p.concurrency, p.onItemFailure, p.defaultValue, p.source, p.uses, p.idempotent,
						p.expect, p.where, p.page, p.size, p.defaultSize, p.when, p.freshness)));
			return new Composition(Planner.plan(this.name, this.request, models, this.authorize, this.timeout,
					this.parameters, providers.settings()), providers);
		}

	}

	/**
	 * One part in the Java DSL: either {@link #get(String)} (an HTTP GET, idempotent) or
	 * {@link #source(PartSource)} (any {@code Mono}; not idempotent unless declared).
	 */
	public static final class PartSpec {

		private final Map<String, String> project = new LinkedHashMap<>();

		private final List<String> uses = new ArrayList<>();

		private String from;

		private String get;

		private boolean required;

		private String forEach;

		private Integer concurrency;

		private ItemFailure onItemFailure;

		private JsonNode defaultValue;

		private PartSource source;

		private Boolean idempotent;

		private PayloadShape expect;

		private String where;

		private String page;

		private String size;

		private Integer defaultSize;

		private String when;

		private Freshness freshness;

		private PartSpec() {
		}

		/**
		 * Stale-while-revalidate for this part's call: served from the cache for
		 * {@code refreshAfter}, then served stale at once while one background call
		 * refreshes it for {@code serveStaleFor} more; idempotent calls only.
		 * @param refreshAfter the fresh window
		 * @param serveStaleFor the grace while the provider's breaker is closed
		 * @return this spec
		 */
		public PartSpec freshness(Duration refreshAfter, Duration serveStaleFor) {
			return freshness(Freshness.of(refreshAfter, serveStaleFor));
		}

		/**
		 * Stale-while-revalidate for this part's call ({@link Freshness}); each component
		 * given overrides the provider's.
		 * @param freshness the policy
		 * @return this spec
		 */
		public PartSpec freshness(Freshness freshness) {
			this.freshness = freshness;
			return this;
		}

		/**
		 * The provider id.
		 * @param provider the provider
		 * @return this spec
		 */
		public PartSpec from(String provider) {
			this.from = provider;
			return this;
		}

		/**
		 * An HTTP GET of a path template on the provider.
		 * @param path the template, e.g. {@code /tickets/{order.orderId}}
		 * @return this spec
		 */
		public PartSpec get(String path) {
			this.get = path;
			return this;
		}

		/**
		 * A {@code Mono} source instead of an HTTP call.
		 * @param source the source
		 * @return this spec
		 */
		public PartSpec source(PartSource source) {
			this.source = source;
			return this;
		}

		/**
		 * References a source reads through {@link PartContext#value(String)}; they
		 * define its dependencies, like the references in a {@code get} template.
		 * @param references e.g. {@code order.restaurantId}
		 * @return this spec
		 */
		public PartSpec uses(String... references) {
			this.uses.addAll(List.of(references));
			return this;
		}

		/**
		 * Whether the call may be retried and collapsed; default: {@code true} for GET,
		 * {@code false} for a source.
		 * @param idempotent the flag
		 * @return this spec
		 */
		public PartSpec idempotent(boolean idempotent) {
			this.idempotent = idempotent;
			return this;
		}

		/**
		 * Makes the part required.
		 * @return this spec
		 */
		public PartSpec required() {
			return required(true);
		}

		/**
		 * Whether the part is required; default {@code false}.
		 * @param required the flag
		 * @return this spec
		 */
		public PartSpec required(boolean required) {
			this.required = required;
			return this;
		}

		/**
		 * Selects a field into the output, under another name.
		 * @param target the output field (dots nest)
		 * @param source the source dot path
		 * @return this spec
		 */
		public PartSpec project(String target, String source) {
			this.project.put(target, source);
			return this;
		}

		/**
		 * Fans out per item of another part's array.
		 * @param reference e.g. {@code history.orders}
		 * @return this spec
		 */
		public PartSpec forEach(String reference) {
			this.forEach = reference;
			return this;
		}

		/**
		 * Fan-out item calls in flight at once; default 4.
		 * @param concurrency the cap
		 * @return this spec
		 */
		public PartSpec concurrency(int concurrency) {
			this.concurrency = concurrency;
			return this;
		}

		/**
		 * Counts only the fan-out items that meet a condition (applied before paging),
		 * e.g. {@code item.status == state}; a comparison with a request parameter the
		 * request did not send holds.
		 * @param condition the condition
		 * @return this spec
		 */
		public PartSpec where(String condition) {
			this.where = condition;
			return this;
		}

		/**
		 * Calls only the items of the requested page (after {@link #where(String)}).
		 * @param pageParameter the request parameter holding the page number, from 0
		 * @param sizeParameter the request parameter holding the page size
		 * @param defaultSize the page size when the request sends none
		 * @return this spec
		 */
		public PartSpec page(String pageParameter, String sizeParameter, int defaultSize) {
			this.page = pageParameter;
			this.size = sizeParameter;
			this.defaultSize = defaultSize;
			return this;
		}

		/**
		 * Calls only the items (of the page) that meet a condition, e.g.
		 * {@code item.status not in [REJECTED, CANCELLED]}; the others are neither called
		 * nor in the output.
		 * @param condition the condition
		 * @return this spec
		 */
		public PartSpec when(String condition) {
			this.when = condition;
			return this;
		}

		/**
		 * What to do with a failed item; default {@link ItemFailure#SKIP}.
		 * @param onItemFailure the handling
		 * @return this spec
		 */
		public PartSpec onItemFailure(ItemFailure onItemFailure) {
			this.onItemFailure = onItemFailure;
			return this;
		}

		/**
		 * The shape the answer must have; default any object. A 2xx answer of another
		 * shape is a {@code bad-payload} failure.
		 * @param expect the shape
		 * @return this spec
		 */
		public PartSpec expect(PayloadShape expect) {
			this.expect = expect;
			return this;
		}

		/**
		 * The static default of an optional part, in the output (projected) shape.
		 * @param defaultValue the default
		 * @return this spec
		 */
		public PartSpec defaultValue(JsonNode defaultValue) {
			this.defaultValue = defaultValue;
			return this;
		}

	}

}
