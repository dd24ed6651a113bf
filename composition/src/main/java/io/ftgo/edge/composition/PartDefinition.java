package io.ftgo.edge.composition;

import java.util.Map;

/**
 * One part of a declarative composition, as configured under
 * {@code edge.compositions.<name>.parts.<part>}.
 *
 * <pre>
 * ticket: { from: kitchen, get: /tickets/{order.orderId}, project: { status: state } }
 * </pre>
 *
 * <p>
 * References in {@code get} (and in {@code for-each}, {@code authorize}) are written in
 * braces: {@code {orderId}} is a request parameter, {@code {principal.consumerId}} a
 * principal attribute, {@code {order.restaurantId}} a field of part {@code order}'s
 * provider answer (a dot path), and {@code {item.orderId}} a field of the current item of
 * a fan-out part. A part runs as soon as the parts it references have answered.
 *
 * @param from the provider id (a key of {@code edge.providers}); required
 * @param get the path and query appended to the provider URL, e.g.
 * {@code /orders?consumerId={principal.consumerId}}; required
 * @param required whether the request fails when this part fails; default {@code false}
 * @param project field selection and renaming into the merged document: output field
 * (dots nest) to source dot path; {@code null} or empty keeps the whole answer
 * @param forEach a reference to an array field of another part, e.g.
 * {@code history.orders}: the call is made once per item and the part is an array
 * @param concurrency for {@code for-each}: item calls in flight at once; default 4
 * @param onItemFailure for {@code for-each}: what to do with a failed item; default
 * {@code skip}
 * @param defaultValue the static default served when an optional part fails and has no
 * last good value; already in the output (projected) shape
 * @param expect the shape the provider's answer must have ({@link PayloadShape}); default
 * any object. For a fan-out part, the shape of each item's answer
 * @param where for {@code for-each}: a condition items must meet to count at all, applied
 * before paging, e.g. {@code item.status == state} (holds when the request sends no
 * {@code state})
 * @param page for {@code for-each}: the request parameters that page the items (after
 * {@code where}); only the items of the requested page are called
 * @param when for {@code for-each}: a condition an item of the page must meet to be
 * called, e.g. {@code item.status not in [REJECTED, CANCELLED]}
 * @param freshness stale-while-revalidate for this part's call ({@link Freshness}); each
 * component given overrides the provider's; {@code null} for the provider's policy
 * @param grpc for a {@code transport: grpc} provider, the method called,
 * {@code Service/Method} (e.g. {@code OrderService/GetOrder}), where an HTTP part has
 * {@code get}. A part may have both: its provider's transport picks one
 * @param input with {@code grpc}: request field to value, written with references as in
 * {@code get}, e.g. {@code orderId: "{orderId}"}
 */
public record PartDefinition(String from, String get, Boolean required, Map<String, String> project, String forEach,
		Integer concurrency, ItemFailure onItemFailure, Map<String, Object> defaultValue, PayloadShape expect,
		String where, Paging page, String when, Freshness freshness, String grpc, Map<String, String> input) {

	/**
	 * Paging of a fan-out part's items: {@code page: { number: page, size: size,
	 * default-size: 20 }}.
	 *
	 * @param number the request parameter holding the page number, from 0 (absent: 0)
	 * @param size the request parameter holding the page size (absent: the default)
	 * @param defaultSize the page size when the request sends none; default 20
	 */
	public record Paging(String number, String size, Integer defaultSize) {
	}

	/**
	 * An optional part calling {@code GET path} on a provider, with no projection.
	 * @param from the provider id
	 * @param get the path template
	 * @return the definition
	 */
	public static PartDefinition of(String from, String get) {
		return new PartDefinition(from, get, null, null, null, null, null, null, null, null, null, null, null, null,
				null);
	}

}
