package io.ftgo.edge.gateway.composition;

import io.ftgo.edge.composition.Composition;
import io.ftgo.edge.composition.ProviderRegistry;

/**
 * A composed endpoint written with the Java DSL, for what YAML cannot express (e.g. a
 * part that POSTs). Declare one as a bean; it is served exactly like the compositions
 * under {@code edge.compositions} (same route table, edge chain, {@code edge.endpoints}
 * settings and actuator listing). Its name must not clash with a YAML composition.
 *
 * <pre class="code">
 * &#64;Bean
 * CompositionContributor cancelOrder() {
 *     return (providers) -&gt; Composition.builder("cancel-order")
 *         .request("POST /api/web/orders/{orderId}/cancel")
 *         .part("order", (p) -&gt; p.from("order").get("/orders/{orderId}").required())
 *         .authorize("order.consumerId == principal.consumerId")
 *         .build(providers);
 * }
 * </pre>
 */
@FunctionalInterface
public interface CompositionContributor {

	/**
	 * Builds the composition; called once at start-up.
	 * @param providers the providers of {@code edge.providers}
	 * @return the composition
	 * @throws IllegalArgumentException when it is invalid (stops start-up)
	 */
	Composition composition(ProviderRegistry providers);

}
