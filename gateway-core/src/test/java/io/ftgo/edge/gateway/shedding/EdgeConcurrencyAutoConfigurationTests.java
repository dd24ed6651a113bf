package io.ftgo.edge.gateway.shedding;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.mock.env.MockEnvironment;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;

import io.ftgo.edge.composition.ProviderDefinition;
import io.ftgo.edge.gateway.config.EdgeGatewayAutoConfiguration;
import io.ftgo.edge.security.config.InvalidEdgeConfigurationException;

import static org.assertj.core.api.Assertions.assertThat;

/** Wiring and start-up validation: bad values stop the context, naming the key. */
class EdgeConcurrencyAutoConfigurationTests {

	final ReactiveWebApplicationContextRunner runner = new ReactiveWebApplicationContextRunner().withConfiguration(
			AutoConfigurations.of(EdgeGatewayAutoConfiguration.class, EdgeConcurrencyAutoConfiguration.class));

	@Test
	void noConfiguration_offAndValid() {
		this.runner.run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(ConcurrencyLimitWebFilter.class);
			EdgeConcurrencyProperties properties = context.getBean(EdgeConcurrencyProperties.class);
			assertThat(properties.algorithm()).isEqualTo("gradient2");
			assertThat(properties.partitions()).containsExactly(Map.entry("default", 100));
			assertThat(properties.bypassWrites()).isTrue();
			assertThat(properties.exclude()).containsExactly("/actuator/**");
			assertThat(properties.sampleWindow()).hasSeconds(1);
			assertThat(properties.samplePercentile()).isEqualTo(50);
			assertThat(properties.warmUp()).hasSeconds(30);
		});
	}

	@Test
	void enabledWithPartitionsAndRules_filterClassifiesAsBound() {
		this.runner
			.withPropertyValues("edge.concurrency.enabled=true", "edge.concurrency.partitions.interactive=80",
					"edge.concurrency.partitions.prefetch=20", "edge.concurrency.default-partition=interactive",
					"edge.concurrency.rules[0].partition=prefetch", "edge.concurrency.rules[0].headers[X-Prefetch]=1",
					"edge.concurrency.rules[1].partition=prefetch",
					"edge.concurrency.rules[1].headers[Sec-Purpose]=prefetch*")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).hasSingleBean(ConcurrencyLimitWebFilter.class);
				EdgeConcurrencyProperties properties = context.getBean(EdgeConcurrencyProperties.class);
				PriorityClassifier classifier = new PriorityClassifier(properties);
				assertThat(classifier.partition(MockServerHttpRequest.get("/a").header("X-Prefetch", "1").build()))
					.isEqualTo("prefetch");
				assertThat(classifier
					.partition(MockServerHttpRequest.get("/a").header("Sec-Purpose", "prefetch;prerender").build()))
					.isEqualTo("prefetch");
				assertThat(classifier.partition(MockServerHttpRequest.get("/a").build())).isEqualTo("interactive");
				assertThat(context.getBean(ConcurrencyLimitWebFilter.class).limit()).isEqualTo(100);
			});
	}

	@Test
	void yamlAsTheBffsWriteIt_headerNamesKeptAndMatched() {
		String yaml = """
				edge:
				  concurrency:
				    enabled: true
				    partitions:
				      interactive: 80
				      prefetch: 20
				    default-partition: interactive
				    rules:
				      - { partition: prefetch, headers: { "[X-Prefetch]": "1" } }
				      - { partition: prefetch, headers: { "[Sec-Purpose]": "prefetch*" } }
				      - { partition: prefetch, paths: [/v1/**], methods: [get] }
				""";
		this.runner.withInitializer((context) -> {
			try {
				new YamlPropertySourceLoader().load("bff", new ByteArrayResource(yaml.getBytes(StandardCharsets.UTF_8)))
					.forEach(context.getEnvironment().getPropertySources()::addFirst);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}).run((context) -> {
			assertThat(context).hasNotFailed();
			EdgeConcurrencyProperties properties = context.getBean(EdgeConcurrencyProperties.class);
			assertThat(properties.rules().get(0).headers()).containsOnlyKeys("X-Prefetch");
			PriorityClassifier classifier = new PriorityClassifier(properties);
			assertThat(classifier.partition(MockServerHttpRequest.get("/a").header("x-prefetch", "1").build()))
				.isEqualTo("prefetch");
			assertThat(classifier.partition(MockServerHttpRequest.get("/a").header("Sec-Purpose", "prefetch").build()))
				.isEqualTo("prefetch");
			assertThat(classifier.partition(MockServerHttpRequest.get("/v1/orders/1").build())).isEqualTo("prefetch");
			assertThat(classifier.partition(MockServerHttpRequest.get("/v2/orders/1").build()))
				.isEqualTo("interactive");
		});
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|',
			textBlock = """
					edge.concurrency.algorithm=aimd              | edge.concurrency.algorithm: aimd (expected: one of [gradient2, vegas, fixed] (Netflix concurrency-limits))
					edge.concurrency.partitions.interactive=70   | edge.concurrency.partitions: {interactive=70} (expected: percentages that sum to 100 (they sum to 70))
					edge.concurrency.partitions.interactive=170  | edge.concurrency.partitions.interactive: 170 (expected: a percentage between 0 and 100)
					edge.concurrency.writes=shed                 | edge.concurrency.writes: shed (expected: one of [bypass, classify])
					edge.concurrency.min-limit=0                 | edge.concurrency.min-limit: 0 (expected: between 1 and 100000)
					edge.concurrency.max-limit=10                | edge.concurrency.max-limit: 10 (expected: between min-limit (20) and 100000)
					edge.concurrency.initial-limit=5000          | edge.concurrency.initial-limit: 5000 (expected: between min-limit (20) and max-limit (1000))
					edge.concurrency.retry-after=100ms           | edge.concurrency.retry-after: PT0.1S (expected: between 1s and 1h)
					edge.concurrency.default-partition=vip       | edge.concurrency.default-partition: vip (expected: one of the partitions [default])
					edge.concurrency.rules[0].partition=vip      | edge.concurrency.rules[0].partition: vip (expected: one of the partitions [default])
					edge.concurrency.exclude[0]=actuator/**      | edge.concurrency.exclude[0]: actuator/** (expected: a path pattern starting with / (*, ** at the end, {name}))
					edge.concurrency.sample-window=10ms          | edge.concurrency.sample-window: PT0.01S (expected: between 100ms and 60s (1s rides out GC pauses))
					edge.concurrency.sample-percentile=100       | edge.concurrency.sample-percentile: 100 (expected: 0 (the average) or a percentile between 1 and 99 (50: the median))
					edge.concurrency.warm-up=-1s                 | edge.concurrency.warm-up: PT-1S (expected: between 0s (none) and 1h)
					""")
	void badValue_startFails_messageNamesKeyValueAndExpectation(String property, String message) {
		this.runner.withPropertyValues(property).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidEdgeConfigurationException.class)
				.hasMessage(message);
		});
	}

	@Test
	void partitionsThatDoNotSumTo100_evenWhenDisabled_stopStartUp() {
		this.runner
			.withPropertyValues("edge.concurrency.partitions.interactive=60", "edge.concurrency.partitions.partner=30",
					"edge.concurrency.default-partition=interactive")
			.run((context) -> assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidEdgeConfigurationException.class)
				.hasMessageContaining("edge.concurrency.partitions")
				.hasMessageContaining("they sum to 90"));
	}

	@Test
	void providerPartitionsWithoutTheBffWideLimit_start_partitionsIgnored() {
		// Switching the BFF-wide limit off (a benchmark, an experiment) keeps each
		// provider's limit, without partitions: no request has one.
		this.runner
			.withPropertyValues("edge.providers.kitchen.concurrency.enabled=true",
					"edge.providers.kitchen.concurrency.partitions.interactive=75",
					"edge.providers.kitchen.concurrency.partitions.prefetch=25")
			.run((context) -> assertThat(context).hasNotFailed());
		ProviderDefinition kitchen = ProviderDefinition.of("http://k")
			.withConcurrency(ProviderDefinition.ConcurrencyDefinition.adaptive(null)
				.withPartitions(Map.of("interactive", 75, "prefetch", 25)));
		Map<String, ProviderDefinition> providers = Map.of("kitchen", kitchen);
		assertThat(EdgeConcurrencyProperties.withoutProviderPartitions(providers, new MockEnvironment())
			.get("kitchen")
			.concurrency()
			.partitions()).isNull();
		assertThat(EdgeConcurrencyProperties
			.withoutProviderPartitions(providers,
					new MockEnvironment().withProperty("edge.concurrency.enabled", "true"))
			.get("kitchen")
			.concurrency()
			.partitions()).containsOnlyKeys("interactive", "prefetch");
	}

	@Test
	void providerPartitionTheBffWideLimitNeverGives_stopStartUp() {
		this.runner
			.withPropertyValues("edge.concurrency.enabled=true", "edge.concurrency.partitions.current=75",
					"edge.concurrency.partitions.deprecated=25", "edge.concurrency.default-partition=current",
					"edge.providers.kitchen.concurrency.enabled=true",
					"edge.providers.kitchen.concurrency.partitions.interactive=75",
					"edge.providers.kitchen.concurrency.partitions.prefetch=25")
			.run((context) -> assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidEdgeConfigurationException.class)
				.hasMessage("edge.providers.kitchen.concurrency.partitions: interactive (expected: one of the "
						+ "partitions of edge.concurrency.partitions [current, deprecated])"));
	}

	@Test
	void providerPartitionsNamingTheBffWidePartitions_orNone_start() {
		this.runner
			.withPropertyValues("edge.concurrency.enabled=true", "edge.concurrency.partitions.interactive=80",
					"edge.concurrency.partitions.prefetch=20", "edge.concurrency.default-partition=interactive",
					"edge.providers.kitchen.concurrency.enabled=true",
					"edge.providers.kitchen.concurrency.partitions.interactive=75",
					"edge.providers.kitchen.concurrency.partitions.prefetch=25",
					"edge.providers.order.concurrency.enabled=true", "edge.providers.delivery.timeout=1s")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void ruleWithoutCondition_stopStartUp() {
		this.runner.withPropertyValues("edge.concurrency.rules[0].partition=default")
			.run((context) -> assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("edge.concurrency.rules[0]")
				.hasMessageContaining("at least one of paths, methods, headers"));
	}

}
