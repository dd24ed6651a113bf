package io.ftgo.edge.composition.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.ftgo.edge.composition.FailureReason;
import io.ftgo.edge.composition.ItemFailure;
import io.ftgo.edge.composition.PartMetadata;
import io.ftgo.edge.composition.PartStatus;
import io.ftgo.edge.composition.fallback.CallKey;
import io.ftgo.edge.composition.fallback.LastGoodCache;
import io.ftgo.edge.composition.plan.PlannedPart;
import io.ftgo.edge.composition.policy.CallFailure;
import io.ftgo.edge.composition.policy.Failures;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.NullNode;

/**
 * A fan-out part ({@code for-each}, internal): selects the items to call before any call
 * ({@code where}, page, {@code when}), calls them at most {@code concurrency} at once in
 * item order, gives each failed item its last good value or the part's
 * {@code on-item-failure} handling, and aggregates them into one array part.
 */
final class FanOut {

	private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

	private final PartCall partCall;

	private final ProtectedCalls calls;

	FanOut(PartCall partCall, ProtectedCalls calls) {
		this.partCall = partCall;
		this.calls = calls;
	}

	/**
	 * Runs the fan-out.
	 * @return the aggregate, or a {@link CallFailure} for the whole part (no array to fan
	 * out over, or an item failed under {@code on-item-failure: fail})
	 */
	Mono<Aggregate> run(Run run, PlannedPart part) {
		Object items = part.forEach().resolve(run.request, run.raw, null);
		if (!(items instanceof ArrayNode array)) {
			FailureReason reason = (items == null) ? FailureReason.UNRESOLVED : FailureReason.BAD_PAYLOAD;
			return Mono.error(new CallFailure(reason, 0));
		}
		List<JsonNode> selected = (part.selection() != null) ? part.selection().select(array, run.request, run.raw)
				: all(array);
		return Flux.fromIterable(selected)
			.flatMapSequential((item) -> item(run, part, item), part.concurrency())
			.collectList()
			.map((list) -> aggregate(part, list));
	}

	private static List<JsonNode> all(ArrayNode array) {
		List<JsonNode> items = new ArrayList<>(array.size());
		array.forEach(items::add);
		return items;
	}

	private Mono<Item> item(Run run, PlannedPart part, JsonNode item) {
		PartCall.Call call = this.partCall.prepare(run, part, item);
		if (call == null) {
			return itemFailed(part, new CallFailure(FailureReason.UNRESOLVED, 0), null);
		}
		return this.partCall.run(run, part, call)
			.map((served) -> served.revalidating()
					? new Item(served.value(), PartStatus.STALE, FailureReason.REVALIDATING, 0, served.age())
					: new Item(served.value(), PartStatus.FRESH, null, 0, null))
			.onErrorResume((error) -> itemFailed(part, Failures.classify(error), call.key()));
	}

	private Mono<Item> itemFailed(PlannedPart part, CallFailure failure, CallKey key) {
		LastGoodCache lastGood = this.calls.lastGood(part.provider().id());
		if (!part.required() && key != null && lastGood != null) {
			LastGoodCache.Stamped stamped = lastGood.get(key);
			if (stamped != null) {
				return Mono.just(new Item(stamped.value(), PartStatus.STALE, failure.reason(), failure.httpStatus(),
						lastGood.age(stamped)));
			}
		}
		if (part.onItemFailure() == ItemFailure.FAIL) {
			return Mono.error(failure);
		}
		JsonNode placeholder = (part.onItemFailure() == ItemFailure.NULL) ? NullNode.getInstance() : null;
		return Mono.just(new Item(placeholder, PartStatus.OMITTED, failure.reason(), failure.httpStatus(), null));
	}

	private static Aggregate aggregate(PlannedPart part, List<Item> items) {
		ArrayNode raw = NODES.arrayNode(items.size());
		ArrayNode output = NODES.arrayNode(items.size());
		int failedItems = 0;
		boolean stale = false;
		FailureReason reason = null;
		Integer status = null;
		Duration age = null;
		for (Item item : items) {
			// A failure's reason wins over revalidating (which is not a degradation).
			if (item.reason != null && (reason == null || reason == FailureReason.REVALIDATING)) {
				reason = item.reason;
				status = (item.httpStatus != 0) ? item.httpStatus : null;
			}
			if (item.status == PartStatus.OMITTED) {
				failedItems++;
				if (item.value == null) {
					continue;
				}
				raw.add(item.value);
				output.add(item.value);
				continue;
			}
			if (item.status == PartStatus.STALE) {
				stale = true;
				age = (age == null || item.age.compareTo(age) > 0) ? item.age : age;
			}
			raw.add(item.value);
			output.add(part.projection().apply(item.value));
		}
		PartStatus partStatus = (failedItems > 0) ? PartStatus.PARTIAL : stale ? PartStatus.STALE : PartStatus.FRESH;
		return new Aggregate(raw, output, partStatus, reason, status, age, items.size(), failedItems);
	}

	/** The fan-out's result; the executor adds the duration to its metadata. */
	record Aggregate(ArrayNode raw, ArrayNode output, PartStatus status, FailureReason reason, Integer httpStatus,
			Duration age, int items, int failedItems) {

		PartMetadata metadata(Duration took) {
			return new PartMetadata(this.status, this.reason, this.httpStatus, this.age, took, this.items,
					this.failedItems);
		}

	}

	private record Item(JsonNode value, PartStatus status, FailureReason reason, int httpStatus, Duration age) {
	}

}
