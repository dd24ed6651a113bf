package io.ftgo.edge.gateway.composition;

import java.util.Map;

import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.web.reactive.function.server.ServerRequest;

import io.ftgo.edge.composition.Composition;
import io.ftgo.edge.composition.CompositionResult;
import io.ftgo.edge.security.IdentityPropagation;
import io.ftgo.edge.security.config.EdgeSecurityProperties;
import io.ftgo.edge.security.config.InvalidEdgeConfigurationException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Java DSL compositions and response shapers next to YAML compositions: served together,
 * and start-up fails on a name clash or a shaper for no composition.
 */
@SuppressWarnings("unchecked")
class EdgeCompositionAutoConfigurationTests {

	private final ReactiveWebApplicationContextRunner runner = new ReactiveWebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(EdgeCompositionAutoConfiguration.class))
		.withBean(IdentityPropagation.class,
				() -> new IdentityPropagation(new EdgeSecurityProperties.Propagation(true, Map.of()), "X-API-Key"))
		.withPropertyValues("edge.providers.order.url=http://localhost:9081",
				"edge.compositions.order-page.request=GET /api/web/orders/{orderId}",
				"edge.compositions.order-page.parts.order.from=order",
				"edge.compositions.order-page.parts.order.get=/orders/{orderId}");

	private static CompositionContributor contributor(String name) {
		return (providers) -> Composition.builder(name)
			.request("POST /api/web/orders/{orderId}/cancel")
			.part("order", (p) -> p.from("order").get("/orders/{orderId}").required())
			.build(providers);
	}

	private static ComposedResponseShaper shaper(String name) {
		return new ComposedResponseShaper() {

			@Override
			public String composition() {
				return name;
			}

			@Override
			public ObjectNode shape(ServerRequest request, CompositionResult result) {
				return result.body();
			}

		};
	}

	@Test
	void contributor_servedNextToYamlCompositions() {
		this.runner.withBean(CompositionContributor.class, () -> contributor("cancel-order"))
			.withBean(ComposedResponseShaper.class, () -> shaper("cancel-order"))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				Map<String, ?> compositions = context.getBean("edgeCompositions", Map.class);
				assertThat(compositions.keySet()).containsExactly("order-page", "cancel-order");
			});
	}

	@Test
	void compositions_typedBeanNamedEdgeCompositions() {
		this.runner.run((context) -> {
			assertThat(context).hasNotFailed();
			Compositions compositions = context.getBean(Compositions.class);
			assertThat(compositions.named("order-page").name()).isEqualTo("order-page");
			assertThat(context.getBean("edgeCompositions")).isSameAs(compositions);
		});
	}

	@Test
	void resilienceRegistries_boundToMicrometer_breakerStateBulkheadAndRetryPerProvider() {
		SimpleMeterRegistry meters = new SimpleMeterRegistry();
		this.runner.withPropertyValues("edge.providers.kitchen.url=http://localhost:9082").run((context) -> {
			assertThat(context).hasNotFailed();
			context.getBean(MeterBinder.class).bindTo(meters);
			for (String provider : new String[] { "order", "kitchen" }) {
				assertThat(meters.get("resilience4j.circuitbreaker.state")
					.tag("name", provider)
					.tag("state", "closed")
					.gauge()
					.value()).isEqualTo(1.0);
				assertThat(meters.get("resilience4j.circuitbreaker.state")
					.tag("name", provider)
					.tag("state", "open")
					.gauge()
					.value()).isZero();
				assertThat(meters.get("resilience4j.bulkhead.available.concurrent.calls")
					.tag("name", provider)
					.gauge()
					.value()).isEqualTo(64.0);
				assertThat(meters.get("resilience4j.retry.calls").tag("name", provider).functionCounters())
					.isNotEmpty();
			}
			context.getBean(io.ftgo.edge.composition.CompositionEngine.class)
				.circuitBreaker("kitchen")
				.transitionToOpenState();
			assertThat(meters.get("resilience4j.circuitbreaker.state")
				.tag("name", "kitchen")
				.tag("state", "open")
				.gauge()
				.value()).isEqualTo(1.0);
		});
	}

	@Test
	void contributor_nameOfAYamlComposition_startUpFailsNamingTheKey() {
		this.runner.withBean(CompositionContributor.class, () -> contributor("order-page")).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidEdgeConfigurationException.class)
				.hasMessageContaining("edge.compositions.order-page");
		});
	}

	@Test
	void shaper_forNoComposition_startUpFailsNamingIt() {
		this.runner.withBean(ComposedResponseShaper.class, () -> shaper("order-pgae")).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidEdgeConfigurationException.class)
				.hasMessageContaining("order-pgae")
				.hasMessageContaining("order-page");
		});
	}

	@Test
	void endpoint_cacheControlDefaultsToPrivateNoCache() {
		this.runner.withPropertyValues("edge.endpoints.order-page.metadata=headers").run((context) -> {
			EdgeCompositionProperties properties = context.getBean(EdgeCompositionProperties.class);
			assertThat(properties.endpoint("order-page").cacheControl()).isEqualTo("private, no-cache");
			assertThat(properties.endpoint("order-page").metadata())
				.isEqualTo(EdgeCompositionProperties.Metadata.HEADERS);
			assertThat(properties.endpoint("other").cacheControl()).isEqualTo("private, no-cache");
		});
	}

	@Test
	void endpoint_cacheControlConfigured() {
		this.runner.withPropertyValues("edge.endpoints.order-page.cache-control=public, max-age=60").run((context) -> {
			EdgeCompositionProperties properties = context.getBean(EdgeCompositionProperties.class);
			assertThat(properties.endpoint("order-page").cacheControl()).isEqualTo("public, max-age=60");
			assertThat(properties.endpoint("order-page").metadata()).isEqualTo(EdgeCompositionProperties.Metadata.BODY);
		});
	}

}
