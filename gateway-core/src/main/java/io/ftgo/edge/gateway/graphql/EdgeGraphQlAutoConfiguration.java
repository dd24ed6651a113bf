package io.ftgo.edge.gateway.graphql;

import java.util.List;

import graphql.GraphQL;
import graphql.schema.idl.RuntimeWiring;
import graphql.schema.idl.WiringFactory;
import tools.jackson.databind.json.JsonMapper;

import io.ftgo.edge.gateway.deadline.ClientDeadlines;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.annotation.Order;
import org.springframework.core.io.support.ResourcePatternResolver;
import org.springframework.graphql.execution.GraphQlSource;
import org.springframework.graphql.execution.RuntimeWiringConfigurer;
import org.springframework.graphql.server.WebGraphQlHandler;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

import io.ftgo.edge.composition.CompositionEngine;
import io.ftgo.edge.composition.ProviderRegistry;
import io.ftgo.edge.gateway.composition.EdgeCompositionAutoConfiguration;
import io.ftgo.edge.gateway.composition.EdgeCompositionProperties;
import io.ftgo.edge.gateway.ratelimit.EdgeRateLimitProperties;
import io.ftgo.edge.gateway.ratelimit.RateLimiter;
import io.ftgo.edge.security.IdentityPropagation;
import io.ftgo.edge.security.config.EdgeSecurityProperties;
import io.ftgo.edge.security.config.InvalidEdgeConfigurationException;

/**
 * GraphQL at the edge, when the BFF has {@code spring-boot-starter-graphql} and a schema
 * ({@code classpath:graphql/*.graphqls}): Spring for GraphQL serves the schema; every
 * field configured under {@code edge.graphql.types} is resolved through the composition
 * runtime; the edge's own handler serves {@code GET} and {@code POST} on
 * {@code edge.graphql.path} behind the same edge chain as every other endpoint, with the
 * query limits, the persisted-query allow-list and cost-based rate limiting; and
 * {@code /actuator/graphql} explains queries.
 */
@AutoConfiguration(after = EdgeCompositionAutoConfiguration.class,
		afterName = { "org.springframework.boot.graphql.autoconfigure.GraphQlAutoConfiguration",
				"org.springframework.boot.graphql.autoconfigure.reactive.GraphQlWebFluxAutoConfiguration" })
@ConditionalOnClass({ GraphQL.class, GraphQlSource.class, WebGraphQlHandler.class })
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
@ConditionalOnBean({ GraphQlSource.class, EdgeCompositionProperties.class })
@EnableConfigurationProperties(EdgeGraphQlProperties.class)
public class EdgeGraphQlAutoConfiguration {

	@Bean
	GraphQlFields edgeGraphQlFields(EdgeGraphQlProperties properties, ProviderRegistry providers) {
		validateGrpc(properties, providers);
		return new GraphQlFields(properties, providers);
	}

	@Bean
	FieldResolver edgeGraphQlFieldResolver(GraphQlFields fields, ObjectProvider<JsonMapper> json) {
		return new FieldResolver(fields, json.getIfAvailable(() -> JsonMapper.builder().build()));
	}

	@Bean
	RuntimeWiringConfigurer edgeGraphQlWiring(FieldResolver resolver) {
		return new RuntimeWiringConfigurer() {

			@Override
			public void configure(RuntimeWiring.Builder builder) {
			}

			@Override
			public void configure(RuntimeWiring.Builder builder, List<WiringFactory> container) {
				container.add(new EdgeDataFetchers(resolver));
			}

		};
	}

	@Bean
	DocumentCache edgeGraphQlDocuments() {
		return new DocumentCache(1000);
	}

	/** graphql-java parses and validates each distinct document once. */
	@Bean
	org.springframework.boot.graphql.autoconfigure.GraphQlSourceBuilderCustomizer edgeGraphQlDocumentCache(
			DocumentCache documents) {
		return (builder) -> builder.configureGraphQl((graphQl) -> graphQl.preparsedDocumentProvider(documents));
	}

	@Bean
	PersistedQueries edgePersistedQueries(EdgeGraphQlProperties properties, ResourcePatternResolver resolver) {
		return new PersistedQueries(resolver, properties.persistedQueries().location());
	}

	@Bean
	QueryPlanner edgeGraphQlPlanner(GraphQlFields fields, EdgeGraphQlProperties properties,
			EdgeCompositionProperties compositions) {
		ProviderRegistry registry = ProviderRegistry.of(compositions.providers());
		return new QueryPlanner(fields, properties, settings(registry, compositions));
	}

	private static java.util.Map<String, io.ftgo.edge.composition.policy.ProviderSettings> settings(
			ProviderRegistry registry, EdgeCompositionProperties compositions) {
		java.util.Map<String, io.ftgo.edge.composition.policy.ProviderSettings> settings = new java.util.LinkedHashMap<>();
		compositions.providers()
			.forEach((id, definition) -> settings.put(id,
					io.ftgo.edge.composition.policy.ProviderSettings.from(id, definition)));
		return settings;
	}

	/**
	 * A field that says {@code grpc:} calls a provider with {@code transport: grpc}, and
	 * a unary method its services offer.
	 */
	static void validateGrpc(EdgeGraphQlProperties properties, ProviderRegistry providers) {
		properties.types().forEach((type, definition) -> {
			if (definition == null) {
				return;
			}
			java.util.Map<String, EdgeGraphQlProperties.FieldDefinition> fields = new java.util.LinkedHashMap<>();
			definition.fields()
				.forEach((name, field) -> fields.put("edge.graphql.types." + type + ".fields." + name, field));
			if (definition.load() != null) {
				fields.put("edge.graphql.types." + type + ".load", definition.load());
			}
			fields.forEach((key, field) -> {
				if (field == null || field.grpc() == null || field.from() == null) {
					return;
				}
				io.ftgo.edge.composition.policy.ProviderSettings provider = providers.provider(field.from());
				if (provider == null) {
					return;
				}
				if (!provider.isGrpc()) {
					if (field.get() != null || field.post() != null) {
						return;
					}
					throw new io.ftgo.edge.security.config.InvalidEdgeConfigurationException(key + ".grpc",
							field.grpc(), "get or post, as provider '" + field.from()
									+ "' speaks HTTP (fix: set edge.providers." + field.from() + ".transport: grpc)");
				}
				io.ftgo.edge.composition.grpc.GrpcServices.of(provider).method(key + ".grpc", field.grpc());
			});
		});
	}

	@Bean
	@Order(-10)
	@ConditionalOnBean({ GraphQlSource.class, WebGraphQlHandler.class })
	RouterFunction<ServerResponse> edgeGraphQlRoutes(EdgeGraphQlProperties properties, GraphQlFields fields,
			GraphQlSource source, WebGraphQlHandler handler, QueryPlanner planner, PersistedQueries persisted,
			CompositionEngine engine, ProviderRegistry providers, ObjectProvider<IdentityPropagation> propagations,
			ObjectProvider<JsonMapper> json, ObjectProvider<RateLimiter> limiters,
			ObjectProvider<EdgeRateLimitProperties> limits, DocumentCache documents,
			ObjectProvider<ClientDeadlines> clientDeadlines, FieldResolver resolver,
			ObjectProvider<io.micrometer.core.instrument.MeterRegistry> meters) {
		validate(properties);
		fields.validate(source.schema(), providers.names());
		warmUp();
		IdentityPropagation propagation = propagations
			.getIfAvailable(() -> new IdentityPropagation(new EdgeSecurityProperties.Propagation(true, null), null));
		CostCharger charger = new CostCharger(limiters.getIfAvailable(), limits.getIfAvailable(),
				properties.rateLimitCostPerToken());
		// A plain mapper: a GraphQL answer keeps its null fields, whatever the
		// application's JSON inclusion settings.
		EdgeGraphQlHttpHandler http = new EdgeGraphQlHttpHandler(handler, source, planner, persisted, engine,
				propagation, JsonMapper.builder().build(), properties, charger, documents,
				clientDeadlines.getIfAvailable(), new CompiledPlans(properties.compiledPlans(), source, fields,
						resolver, documents, meters.getIfAvailable()));
		return RouterFunctions.route(
				RequestPredicates.GET(properties.path()).or(RequestPredicates.POST(properties.path())), http::handle);
	}

	static void validate(EdgeGraphQlProperties properties) {
		positive("edge.graphql.max-depth", properties.maxDepth());
		if (properties.maxWork() < 1) {
			throw new InvalidEdgeConfigurationException("edge.graphql.max-work", properties.maxWork(),
					">= 1 (the most work units a document may take; default " + EdgeGraphQlProperties.DEFAULT_MAX_WORK
							+ ")");
		}
		positive("edge.graphql.max-complexity", properties.maxComplexity());
		positive("edge.graphql.max-provider-calls", properties.maxProviderCalls());
		positive("edge.graphql.default-list-size", properties.defaultListSize());
		if (properties.callCost() < 0) {
			throw new InvalidEdgeConfigurationException("edge.graphql.call-cost", properties.callCost(), ">= 0");
		}
		if (properties.rateLimitCostPerToken() < 0) {
			throw new InvalidEdgeConfigurationException("edge.graphql.rate-limit-cost-per-token",
					properties.rateLimitCostPerToken(), ">= 0 (0 = charge one token per request)");
		}
		if (properties.timeout().isNegative() || properties.timeout().isZero()) {
			throw new InvalidEdgeConfigurationException("edge.graphql.timeout", properties.timeout(), "> 0");
		}
		if (!properties.path().startsWith("/")) {
			throw new InvalidEdgeConfigurationException("edge.graphql.path", properties.path(),
					"a path starting with /");
		}
	}

	/**
	 * graphql-java reads its message bundles from the jar the first time it parses,
	 * validates or coerces in a locale: blocking I/O that must not happen on an event
	 * loop. Load them here, at start-up, for the locale every request runs in
	 * ({@link EdgeGraphQlHttpHandler#LOCALE}) and the JVM default (the parser's).
	 */
	static void warmUp() {
		for (java.util.Locale locale : new java.util.Locale[] { EdgeGraphQlHttpHandler.LOCALE,
				java.util.Locale.getDefault() }) {
			for (graphql.i18n.I18n.BundleType type : graphql.i18n.I18n.BundleType.values()) {
				graphql.i18n.I18n.i18n(type, locale);
			}
		}
	}

	private static void positive(String key, int value) {
		if (value < 1) {
			throw new InvalidEdgeConfigurationException(key, value, ">= 1");
		}
	}

	@Bean
	@ConditionalOnAvailableEndpoint
	@ConditionalOnBean(GraphQlSource.class)
	GraphQlPlansEndpoint graphQlPlansEndpoint(GraphQlSource source, QueryPlanner planner, PersistedQueries persisted,
			EdgeGraphQlProperties properties, GraphQlFields fields) {
		return new GraphQlPlansEndpoint(source, planner, persisted, properties, fields);
	}

}
