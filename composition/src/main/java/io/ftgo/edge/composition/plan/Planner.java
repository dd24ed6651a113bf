package io.ftgo.edge.composition.plan;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import io.ftgo.edge.composition.CompositionPlan;
import io.ftgo.edge.composition.Freshness;
import io.ftgo.edge.composition.ItemFailure;
import io.ftgo.edge.composition.ParameterType;
import io.ftgo.edge.composition.PayloadShape;
import io.ftgo.edge.composition.RequestLine;
import io.ftgo.edge.composition.policy.FreshnessPolicy;
import io.ftgo.edge.composition.policy.ProviderSettings;

/**
 * Validates a composition and orders its parts (internal; see the package note). Every
 * rejection names the configuration key and the fix.
 */
public final class Planner {

	/** The membership operator of {@code authorize}: {@code in} between blanks. */
	private static final java.util.regex.Pattern IN = java.util.regex.Pattern.compile("\\s+in\\s+");

	private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_-]*");

	private static final Set<String> RESERVED = Set.of("principal", "item", "request");

	private static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(2);

	private static final int DEFAULT_CONCURRENCY = 4;

	private static final int DEFAULT_PAGE_SIZE = 20;

	private Planner() {
	}

	/**
	 * Plans a composition.
	 * @param name the composition name
	 * @param request the endpoint, {@code METHOD /path/{param}?query&names}
	 * @param models the parts in definition order
	 * @param authorize the ownership check or {@code null}
	 * @param timeout the deadline or {@code null}
	 * @param parameterSpecs type specs of request parameters, or {@code null}
	 * @param providers the known providers
	 * @return the plan
	 * @throws IllegalArgumentException naming the key and the fix
	 */
	public static PlannedComposition plan(String name, String request, List<PartModel> models, String authorize,
			Duration timeout, Map<String, String> parameterSpecs, Map<String, ProviderSettings> providers) {
		String key = "edge.compositions." + name;
		if (name == null || !NAME.matcher(name).matches()) {
			throw new IllegalArgumentException("edge.compositions: '" + name
					+ "' (expected: a name of letters, digits, '-' and '_', starting with a letter)");
		}
		Set<String> requestParameters = requestParameters(key + ".request", request);
		Map<String, ParameterType> parameterTypes = parameterTypes(key, requestParameters, parameterSpecs);
		Duration deadline = (timeout != null) ? timeout : DEFAULT_DEADLINE;
		if (deadline.isNegative() || deadline.isZero()) {
			throw new IllegalArgumentException(key + ".timeout: " + deadline + " (expected: > 0)");
		}
		if (models == null || models.isEmpty()) {
			throw new IllegalArgumentException(key + ".parts: empty (expected: at least one part)");
		}
		Map<String, Integer> indexes = new LinkedHashMap<>();
		for (PartModel model : models) {
			if (model.name() == null || !NAME.matcher(model.name()).matches()) {
				throw new IllegalArgumentException(key + ".parts: '" + model.name()
						+ "' (expected: a name of letters, digits, '-' and '_', starting with a letter)");
			}
			if (RESERVED.contains(model.name())) {
				throw new IllegalArgumentException(key + ".parts." + model.name()
						+ ": reserved name (expected: not one of " + RESERVED + "; fix: rename the part)");
			}
			if (indexes.putIfAbsent(model.name(), indexes.size()) != null) {
				throw new IllegalArgumentException(
						key + ".parts." + model.name() + ": defined twice (fix: give each part its own name)");
			}
		}
		int n = models.size();
		Set<String> usedParameters = new LinkedHashSet<>();
		Names names = new Names(indexes, requestParameters, parameterTypes, models, usedParameters);
		List<Set<Integer>> deps = new ArrayList<>();
		List<Parsed> parsed = new ArrayList<>();
		for (PartModel model : models) {
			String partKey = key + ".parts." + model.name();
			ProviderSettings provider = provider(partKey, model.from(), providers);
			Template template = null;
			Map<String, Reference> uses = new LinkedHashMap<>();
			List<Reference> refs = new ArrayList<>();
			if (model.source() != null) {
				if (model.get() != null) {
					throw new IllegalArgumentException(
							partKey + ": both get and a source (expected: one of them; fix: remove one)");
				}
				for (String use : (model.uses() != null) ? model.uses() : List.<String>of()) {
					Reference ref = Reference.parse(stripBraces(use));
					uses.put(ref.text(), ref);
					refs.add(ref);
				}
			}
			else {
				if (model.get() == null || !model.get().startsWith("/")) {
					throw new IllegalArgumentException(partKey + ".get: " + model.get()
							+ " (expected: a path starting with '/', e.g. /orders/{orderId})");
				}
				if (provider.url() == null && !provider.isGrpc()) {
					throw new IllegalArgumentException(partKey + ".from: provider '" + model.from()
							+ "' has no url (fix: set edge.providers." + model.from() + ".url)");
				}
				template = Template.parse(partKey + ".get", model.get());
				refs.addAll(template.references());
			}
			Reference forEach = null;
			if (model.forEach() != null) {
				forEach = Reference.parse(stripBraces(model.forEach()));
				if (forEach.kind() != Reference.Kind.PART) {
					throw new IllegalArgumentException(partKey + ".for-each: " + model.forEach()
							+ " (expected: an array field of another part, e.g. history.orders)");
				}
			}
			String refKey = partKey + ((model.source() != null) ? ".uses" : ".get");
			Set<Integer> partDeps = new LinkedHashSet<>();
			for (Reference ref : refs) {
				check(refKey, ref, model, forEach != null, names, partDeps);
			}
			if (forEach != null) {
				check(partKey + ".for-each", forEach, model, true, names, partDeps);
			}
			if (model.concurrency() != null && model.concurrency() < 1) {
				throw new IllegalArgumentException(
						partKey + ".concurrency: " + model.concurrency() + " (expected: >= 1)");
			}
			if (forEach == null && (model.concurrency() != null || model.onItemFailure() != null
					|| model.where() != null || model.page() != null || model.when() != null)) {
				throw new IllegalArgumentException(partKey + ": concurrency, on-item-failure, where, page and when"
						+ " apply to fan-out parts only (fix: add for-each or remove them)");
			}
			ItemSelection selection = (forEach != null) ? selection(partKey, model, names) : null;
			Projection projection = Projection.of(partKey + ".project", model.project());
			if (model.expect() != null) {
				model.expect().validate(partKey + ".expect");
			}
			deps.add(partDeps);
			parsed.add(new Parsed(provider, template, uses, forEach, projection, selection));
		}
		// Required parts must not wait on optional ones: an optional part may be omitted.
		for (int i = 0; i < n; i++) {
			if (!models.get(i).required()) {
				continue;
			}
			for (int d : deps.get(i)) {
				if (!models.get(d).required()) {
					throw new IllegalArgumentException(key + ".parts." + models.get(i).name()
							+ ": required part depends on optional part '" + models.get(d).name() + "' (fix: make '"
							+ models.get(d).name() + "' required or '" + models.get(i).name() + "' optional)");
				}
			}
		}
		int[] order = DependencyOrder.of(key, models, deps);
		Authorization authorization = authorization(key + ".authorize", authorize, names);
		int[] stage = new int[n];
		for (int i : order) {
			for (int d : deps.get(i)) {
				stage[i] = Math.max(stage[i], stage[d] + 1);
			}
		}
		boolean[] hasDependents = new boolean[n];
		deps.forEach((set) -> set.forEach((d) -> hasDependents[d] = true));
		if (authorization != null && authorization.partIndex() >= 0) {
			hasDependents[authorization.partIndex()] = true;
		}
		List<PlannedPart> parts = new ArrayList<>();
		for (int i = 0; i < n; i++) {
			PartModel model = models.get(i);
			Parsed p = parsed.get(i);
			boolean idempotent = (model.idempotent() != null) ? model.idempotent() : model.source() == null;
			int[] dependsOn = deps.get(i).stream().mapToInt(Integer::intValue).sorted().toArray();
			List<String> dependsOnNames = Arrays.stream(dependsOn).mapToObj((d) -> models.get(d).name()).toList();
			parts.add(new PlannedPart(i, model.name(), p.provider(), p.template(), model.source(), p.uses(), dependsOn,
					dependsOnNames, model.required(), p.projection(), p.forEach(),
					(model.concurrency() != null) ? model.concurrency() : DEFAULT_CONCURRENCY,
					(model.onItemFailure() != null) ? model.onItemFailure() : ItemFailure.SKIP, model.defaultValue(),
					idempotent, stage[i], hasDependents[i],
					(model.expect() != null) ? model.expect() : PayloadShape.OBJECT, p.selection(),
					freshness(key + ".parts." + model.name() + ".freshness", model, p.provider(), idempotent)));
		}
		CompositionPlan plan = PlanExplainer.explain(name, request, deadline, authorize, parts, parameterTypes);
		return new PlannedComposition(name, request, Set.copyOf(usedParameters), List.copyOf(parts), order, deadline,
				authorization, plan, parameterTypes);
	}

	/**
	 * The part's stale-while-revalidate policy: its own components over the provider's. A
	 * provider's policy applies to its idempotent calls only; a part's own policy on a
	 * non-idempotent call is refused (a background refresh must never repeat a call with
	 * side effects).
	 */
	private static FreshnessPolicy freshness(String key, PartModel model, ProviderSettings provider,
			boolean idempotent) {
		if (model.freshness() != null && !idempotent) {
			throw new IllegalArgumentException(key + ": the call is not idempotent (expected: freshness only on GETs "
					+ "or sources declared idempotent(true); fix: remove " + key + ")");
		}
		if (!idempotent) {
			return null;
		}
		if (model.freshness() != null && provider.cacheSize() == 0) {
			throw new IllegalArgumentException(key + ": provider '" + provider.id()
					+ "' keeps no cache (fallback.max-size: 0; fix: allow entries or remove " + key + ")");
		}
		Freshness merged = (model.freshness() != null) ? model.freshness().over(provider.freshness())
				: provider.freshness();
		return FreshnessPolicy.of(key, merged);
	}

	private static Map<String, ParameterType> parameterTypes(String key, Set<String> requestParameters,
			Map<String, String> specs) {
		Map<String, String> given = (specs != null) ? specs : Map.of();
		for (String name : given.keySet()) {
			if (!requestParameters.contains(name)) {
				throw new IllegalArgumentException(key + ".parameters." + name
						+ ": names no request parameter (expected: one of " + requestParameters + "; fix: add {" + name
						+ "} to the request path or ?" + name + " to its query, or remove it)");
			}
		}
		Map<String, ParameterType> types = new LinkedHashMap<>();
		for (String name : requestParameters) {
			String spec = given.get(name);
			types.put(name,
					(spec != null) ? ParameterType.parse(key + ".parameters." + name, spec) : ParameterType.TOKEN);
		}
		return java.util.Collections.unmodifiableMap(types);
	}

	private static Set<String> requestParameters(String key, String request) {
		if (request == null) {
			throw new IllegalArgumentException(
					key + ": null (expected: METHOD /path/{param}, e.g. GET /orders/{orderId})");
		}
		RequestLine line = RequestLine.parse(key, request);
		Set<String> names = new LinkedHashSet<>();
		Template path = Template.parse(key, line.path());
		for (Reference ref : path.references()) {
			if (ref.kind() != Reference.Kind.REQUEST || ref.text().contains(".")) {
				throw new IllegalArgumentException(key + ": {" + ref + "} (expected: a plain path variable name)");
			}
			names.add(ref.text());
		}
		names.addAll(line.queryNames());
		return names;
	}

	private static ProviderSettings provider(String partKey, String from, Map<String, ProviderSettings> providers) {
		if (from == null) {
			throw new IllegalArgumentException(
					partKey + ".from: null (expected: a provider id, one of " + providers.keySet() + ")");
		}
		ProviderSettings provider = providers.get(from);
		if (provider == null) {
			throw new IllegalArgumentException(partKey + ".from: unknown provider '" + from + "' (expected: one of "
					+ providers.keySet() + "; fix: correct the id or add edge.providers." + from + ")");
		}
		return provider;
	}

	/**
	 * The selection of a fan-out part's items. Request parameters read here are optional
	 * (a condition with an absent one holds, an absent page is the first).
	 */
	private static ItemSelection selection(String partKey, PartModel model, Names names) {
		ItemCondition where = condition(partKey + ".where", model.where(), model, names);
		ItemCondition when = condition(partKey + ".when", model.when(), model, names);
		if (model.page() == null && (model.size() != null || model.defaultSize() != null)) {
			throw new IllegalArgumentException(
					partKey + ".page.number: null (expected: the request parameter holding the page number)");
		}
		Reference page = pageParameter(partKey + ".page.number", model.page(), names);
		Reference size = pageParameter(partKey + ".page.size", model.size(), names);
		int defaultSize = (model.defaultSize() != null) ? model.defaultSize() : DEFAULT_PAGE_SIZE;
		if (defaultSize < 1) {
			throw new IllegalArgumentException(partKey + ".page.default-size: " + defaultSize + " (expected: >= 1)");
		}
		if (where == null && page == null && when == null) {
			return null;
		}
		return new ItemSelection(where, page, size, defaultSize, when);
	}

	private static ItemCondition condition(String key, String text, PartModel model, Names names) {
		if (text == null || text.isBlank()) {
			return null;
		}
		ItemCondition condition = ItemCondition.parse(key, text);
		if (condition.right() != null) {
			Reference right = condition.right();
			if (right.kind() == Reference.Kind.PART) {
				throw new IllegalArgumentException(key + ": {" + right
						+ "} (expected: the item compared with a request parameter, a principal attribute or a list)");
			}
			if (right.kind() == Reference.Kind.REQUEST && !names.requestParameters().contains(right.pathText())) {
				check(key, right, model, true, names, new LinkedHashSet<>());
			}
		}
		return condition;
	}

	private static Reference pageParameter(String key, String name, Names names) {
		if (name == null) {
			return null;
		}
		ParameterType type = names.parameterTypes().get(name.trim());
		if (type == null || !type.spec().startsWith("integer")) {
			throw new IllegalArgumentException(key + ": " + name + " (expected: a request parameter of type"
					+ " integer(min..max), one of " + names.requestParameters() + "; fix: add ?" + name
					+ " to the request and declare it under parameters)");
		}
		return Reference.parse(name.trim());
	}

	private static void check(String key, Reference ref, PartModel model, boolean fanOut, Names names,
			Set<Integer> deps) {
		Map<String, Integer> indexes = names.indexes();
		Set<String> requestParameters = names.requestParameters();
		List<PartModel> models = names.models();
		switch (ref.kind()) {
			case REQUEST -> {
				String parameter = ref.pathText();
				if (!requestParameters.contains(parameter)) {
					throw new IllegalArgumentException(key + ": {" + ref + "} is a request parameter that '"
							+ "request' never supplies (supplied: " + requestParameters + "; fix: add {" + parameter
							+ "} to the request path or ?" + parameter + " to its query, or correct the name)");
				}
				names.usedParameters().add(parameter);
			}
			case ITEM -> {
				if (!fanOut) {
					throw new IllegalArgumentException(key + ": {" + ref
							+ "} reads the fan-out item but the part has no for-each (fix: add for-each)");
				}
			}
			case PART -> {
				Integer index = indexes.get(ref.part());
				if (index == null) {
					throw new IllegalArgumentException(key + ": {" + ref + "} names unknown part '" + ref.part()
							+ "' (expected: one of " + indexes.keySet() + ", principal, item, request; fix: correct the"
							+ " name or add parts." + ref.part() + ")");
				}
				if (ref.part().equals(model.name())) {
					throw new IllegalArgumentException(
							key + ": {" + ref + "} references the part itself (fix: reference another part)");
				}
				PartModel target = models.get(index);
				Projection projection = Projection.of("", target.project());
				if (!projection.covers(ref.pathText())) {
					throw new IllegalArgumentException(
							key + ": {" + ref + "} reads field '" + ref.pathText() + "' that part '" + ref.part()
									+ "' does not project (projected: " + projection.mapping().values()
									+ "; fix: add it to parts." + ref.part() + ".project or correct the field)");
				}
				ref.partIndex(index);
				deps.add(index);
			}
			default -> {
			}
		}
	}

	private static Authorization authorization(String key, String authorize, Names names) {
		List<PartModel> models = names.models();
		if (authorize == null || authorize.isBlank()) {
			return null;
		}
		boolean membership = !authorize.contains("==") && IN.matcher(authorize).find();
		String[] sides = membership ? IN.split(authorize, -1) : authorize.split("==", -1);
		if (sides.length != 2 || sides[0].isBlank() || sides[1].isBlank()) {
			throw new IllegalArgumentException(key + ": " + authorize
					+ " (expected: <reference> == <reference> or <reference> in <list reference>,"
					+ " e.g. order.consumerId == principal.consumerId)");
		}
		Reference left = Reference.parse(stripBraces(sides[0].trim()));
		Reference right = Reference.parse(stripBraces(sides[1].trim()));
		int partIndex = -1;
		PartModel self = new PartModel("", null, null, false, null, null, null, null, null, null, null, null, null,
				null, null, null, null, null, null);
		for (Reference ref : List.of(left, right)) {
			if (ref.kind() == Reference.Kind.ITEM) {
				throw new IllegalArgumentException(key + ": {" + ref + "} (expected: no item references in authorize)");
			}
			check(key, ref, self, false, names, new LinkedHashSet<>());
			if (ref.kind() == Reference.Kind.PART) {
				if (partIndex >= 0 && partIndex != ref.partIndex()) {
					throw new IllegalArgumentException(key + ": " + authorize
							+ " reads two parts (expected: at most one part; fix: compare a part with a principal attribute)");
				}
				partIndex = ref.partIndex();
				if (!models.get(partIndex).required()) {
					throw new IllegalArgumentException(key + ": reads optional part '" + ref.part()
							+ "' (fix: make parts." + ref.part() + " required; an omitted part cannot be checked)");
				}
			}
		}
		return new Authorization(authorize.trim(), left, right, partIndex, membership);
	}

	/** What references are checked against while planning one composition. */
	private record Names(Map<String, Integer> indexes, Set<String> requestParameters,
			Map<String, ParameterType> parameterTypes, List<PartModel> models, Set<String> usedParameters) {
	}

	/** One part's parsed pieces, before dependencies are ordered. */
	private record Parsed(ProviderSettings provider, Template template, Map<String, Reference> uses, Reference forEach,
			Projection projection, ItemSelection selection) {
	}

	private static String stripBraces(String text) {
		String t = text.trim();
		return (t.startsWith("{") && t.endsWith("}")) ? t.substring(1, t.length() - 1) : t;
	}

}
