package io.ftgo.edge.composition;

import java.time.Duration;
import java.util.Map;

/**
 * A declarative composition, as configured under {@code edge.compositions.<name>}.
 *
 * <pre>
 * order-details:
 *   request: GET /api/web/orders/{orderId}
 *   parts:
 *     order:  { from: order, get: /orders/{orderId}, required: true }
 *     ticket: { from: kitchen, get: /tickets/{order.orderId} }
 *   parameters: { orderId: id }
 *   authorize: order.consumerId == principal.consumerId
 * </pre>
 *
 * @param request the endpoint, {@code METHOD /path/{param}} with an optional
 * {@code ?name&name} list of query parameters; the path variables and query names are the
 * request parameters parts may reference; required
 * @param parts the parts by name, in output order; at least one
 * @param authorize an optional ownership check {@code <reference> == <reference>} (at
 * most one part reference, which must be to a required part); when it does not hold the
 * request fails with 404 and no part depending on that part is called
 * @param timeout the request deadline, shared by all calls; default 2s
 * @param parameters the type of each request parameter, by name ({@link ParameterType}
 * specs: {@code id}, {@code integer(0..1000)}, {@code enum(A|B)}, {@code pattern(...)});
 * an undeclared one is a {@code token}. A value that does not fit, or a query parameter
 * the request does not list, is a 400 and nothing is called
 */
public record CompositionDefinition(String request, Map<String, PartDefinition> parts, String authorize,
		Duration timeout, Map<String, String> parameters) {

	/**
	 * A definition without {@code authorize} and with the default deadline.
	 * @param request the endpoint
	 * @param parts the parts
	 * @return the definition
	 */
	public static CompositionDefinition of(String request, Map<String, PartDefinition> parts) {
		return new CompositionDefinition(request, parts, null, null, null);
	}

}
