package io.ftgo.edge.bff.partner;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import com.github.tomakehurst.wiremock.client.WireMock;
import io.ftgo.edge.composition.Composition;
import io.ftgo.edge.composition.CompositionEngine;
import io.ftgo.edge.composition.ProviderRegistry;
import io.ftgo.edge.composition.policy.ProviderLimit;
import io.ftgo.edge.composition.policy.ProviderSettings;
import io.ftgo.edge.stubs.EdgeTestEnvironment;
import io.ftgo.edge.stubs.FtgoProviders;
import io.ftgo.edge.stubs.Provider;
import io.ftgo.edge.stubs.ProviderFault;
import io.ftgo.edge.stubs.identity.DevIdentityProvider;
import io.ftgo.edge.stubs.junit.EdgeTest;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.cloud.gateway.handler.predicate.PredicateDefinition;
import org.springframework.cloud.gateway.route.RouteDefinition;
import org.springframework.cloud.gateway.route.RouteDefinitionLocator;
import org.springframework.context.ApplicationContext;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import io.ftgo.edge.gateway.shedding.EdgeConcurrencyProperties;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * bff-public end to end: the real application with its own application.yaml (API keys
 * included), the FTGO stub providers and the dev identity provider; every endpoint of
 * docs/api.md's bff-public table, partner binding, versioning, the OpenAPI document.
 */
@EdgeTest
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient(timeout = "20s")
class PublicBffIntegrationTests {

	static final String AJANTA_KEY = "demo-ajanta-key";

	static final String EGGSHOP_KEY = "demo-eggshop-key";

	static final EdgeTestEnvironment env = EdgeTestEnvironment.shared();

	static final DevIdentityProvider identity = env.identity();

	static final FtgoProviders providers = env.providers();

	@Autowired
	WebTestClient client;

	@LocalManagementPort
	int managementPort;

	@Autowired
	ApplicationContext context;

	WebTestClient.ResponseSpec withKey(String key, String uri) {
		return this.client.get().uri(uri).header("X-API-Key", key).exchange();
	}

	// GET /v1/orders/{orderId}

	@Test
	void orderV1_apiKeyOfItsRestaurant_partnerViewWithDeprecationHeaders() {
		withKey(AJANTA_KEY, "/v1/orders/7001").expectStatus()
			.isOk()
			.expectHeader()
			.contentType(MediaType.APPLICATION_JSON)
			.expectHeader()
			.value("Deprecation", (value) -> assertThat(value).matches("@\\d+"))
			.expectHeader()
			.value("Sunset", (value) -> assertThat(value).endsWith("GMT"))
			.expectHeader()
			.valueEquals(HttpHeaders.LINK, "</v2/orders/7001>; rel=\"successor-version\"")
			.expectBody()
			.jsonPath("$.orderId")
			.isEqualTo(7001)
			.jsonPath("$.state")
			.isEqualTo("APPROVED")
			.jsonPath("$.total")
			.isEqualTo("61.70")
			.jsonPath("$.lineItems[0].name")
			.isNotEmpty()
			.jsonPath("$.lineItems[0].price")
			.value((value) -> assertThat(value).isInstanceOf(String.class))
			.jsonPath("$.ticket.state")
			.isEqualTo("PICKED_UP")
			.jsonPath("$.ticket.ready")
			.isEqualTo(true)
			.jsonPath("$.consumerId")
			.doesNotExist()
			.jsonPath("$.deliveryAddress")
			.doesNotExist()
			.jsonPath("$._meta.complete")
			.isEqualTo(true);
	}

	@Test
	void orderV1_clientCredentialsToken_sameView() {
		String token = identity.clientCredentialsGrant("partner-ajanta", "ajanta-secret");

		this.client.get()
			.uri("/v1/orders/7012")
			.headers((h) -> h.setBearerAuth(token))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.orderId")
			.isEqualTo(7012)
			.jsonPath("$.restaurantId")
			.isEqualTo(501)
			.jsonPath("$.ticket.ready")
			.isEqualTo(false);
	}

	@Test
	void orderV1_anotherRestaurantsOrder_404AndNoTicketCall() {
		withKey(AJANTA_KEY, "/v1/orders/7002").expectStatus()
			.isNotFound()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody(String.class)
			.value((body) -> assertThat(body).doesNotContain("502", "23.50"));

		assertThat(providers.requestCount(Provider.KITCHEN)).isZero();
	}

	@Test
	void orderV1_anotherRestaurantsOrderWithToken_404() {
		String token = identity.clientCredentialsGrant("partner-eggshop", "eggshop-secret");

		this.client.get()
			.uri("/v1/orders/7001")
			.headers((h) -> h.setBearerAuth(token))
			.exchange()
			.expectStatus()
			.isNotFound();

		assertThat(providers.requestCount(Provider.KITCHEN)).isZero();
	}

	@Test
	void orderV1_secondPartnerKey_seesItsOwnRestaurant() {
		withKey(EGGSHOP_KEY, "/v1/orders/7002").expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.restaurantId")
			.isEqualTo(502)
			.jsonPath("$.total")
			.isEqualTo("23.50");
	}

	@Test
	void orderV1_noCredentials_401Problem() {
		this.client.get()
			.uri("/v1/orders/7001")
			.exchange()
			.expectStatus()
			.isUnauthorized()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON);

		assertThat(providers.requestCount(Provider.ORDER)).isZero();
	}

	@Test
	void orderV1_unknownApiKey_401Problem() {
		withKey("not-a-key", "/v1/orders/7001").expectStatus()
			.isUnauthorized()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON);

		assertThat(providers.requestCount(Provider.ORDER)).isZero();
	}

	@Test
	void orderV1_userTokenWithoutPartnerScope_403Problem() {
		String user = identity.passwordGrant("alice", "password");

		this.client.get()
			.uri("/v1/orders/7001")
			.headers((h) -> h.setBearerAuth(user))
			.exchange()
			.expectStatus()
			.isForbidden()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON);

		assertThat(providers.requestCount(Provider.ORDER)).isZero();
	}

	@Test
	void orderV1_unknownOrder_404Problem() {
		withKey(AJANTA_KEY, "/v1/orders/9999").expectStatus()
			.isNotFound()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON);
	}

	@Test
	void orderV1_kitchen500_7902_200WithTicketDegradedInMeta() {
		withKey(EGGSHOP_KEY, "/v1/orders/7902").expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.state")
			.isEqualTo("APPROVED")
			.jsonPath("$.ticket")
			.doesNotExist()
			.jsonPath("$._meta.complete")
			.isEqualTo(false)
			.jsonPath("$._meta.parts.ticket.status")
			.isEqualTo("omitted")
			.jsonPath("$._meta.parts.ticket.reason")
			.isEqualTo("http-status");
	}

	@Test
	void orderV1_orderProviderStopped_502Problem() {
		providers.stop(Provider.ORDER);

		withKey(AJANTA_KEY, "/v1/orders/7001").expectStatus()
			.isEqualTo(502)
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON);
	}

	@Test
	void orderV1_providerAddsUnknownFieldsAndOmitsOptionalOnes_200() {
		providers.server(Provider.ORDER)
			.stubFor(WireMock.get(urlPathEqualTo("/orders/7006"))
				.atPriority(1)
				.willReturn(aResponse().withHeader("Content-Type", "application/json")
					.withBody("{\"orderId\":7006,\"state\":\"APPROVED\",\"orderTotal\":\"16.00\",\"restaurantId\":501,"
							+ "\"channel\":\"app\",\"lineItems\":[{\"menuItemId\":50103,\"name\":\"Garlic Naan\","
							+ "\"quantity\":2,\"price\":\"3.50\",\"spicy\":false}]}")));
		providers.server(Provider.KITCHEN)
			.stubFor(WireMock.get(urlPathEqualTo("/tickets/7006"))
				.atPriority(1)
				.willReturn(aResponse().withHeader("Content-Type", "application/json")
					.withBody("{\"id\":7006,\"state\":\"READY_FOR_PICKUP\",\"station\":4}")));

		withKey(AJANTA_KEY, "/v1/orders/7006").expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.lineItems[0].spicy")
			.doesNotExist()
			.jsonPath("$.lineItems[0].price")
			.isEqualTo("3.50")
			.jsonPath("$.ticket.ready")
			.isEqualTo(true)
			.jsonPath("$.ticket.readyBy")
			.doesNotExist()
			.jsonPath("$._meta.complete")
			.isEqualTo(true);
	}

	// GET /v2/orders/{orderId}

	@Test
	void orderV2_moneyAsAmountAndCurrencyWithoutDeprecation() {
		withKey(AJANTA_KEY, "/v2/orders/7001").expectStatus()
			.isOk()
			.expectHeader()
			.doesNotExist("Deprecation")
			.expectHeader()
			.doesNotExist("Sunset")
			.expectBody()
			.jsonPath("$.total.amount")
			.isEqualTo("61.70")
			.jsonPath("$.total.currency")
			.isEqualTo("USD")
			.jsonPath("$.lineItems[0].price.amount")
			.value((value) -> assertThat(value).isInstanceOf(String.class))
			.jsonPath("$.lineItems[0].price.currency")
			.isEqualTo("USD")
			.jsonPath("$.ticket.ready")
			.isEqualTo(true);
	}

	@Test
	void orderV2_anotherRestaurantsOrder_404AndNoTicketCall() {
		withKey(AJANTA_KEY, "/v2/orders/7002").expectStatus().isNotFound();

		assertThat(providers.requestCount(Provider.KITCHEN)).isZero();
	}

	@Test
	void orderV1_acceptV2MediaType_v2ShapeAndMediaTypeWithoutDeprecation() {
		this.client.get()
			.uri("/v1/orders/7001")
			.header("X-API-Key", AJANTA_KEY)
			.accept(MediaType.parseMediaType("application/vnd.ftgo.v2+json"))
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.contentType("application/vnd.ftgo.v2+json")
			.expectHeader()
			.doesNotExist("Deprecation")
			.expectBody()
			.jsonPath("$.total.amount")
			.isEqualTo("61.70")
			.jsonPath("$.total.currency")
			.isEqualTo("USD");
	}

	@Test
	void orderV1_acceptV2MediaTypeForAnotherRestaurant_404() {
		this.client.get()
			.uri("/v1/orders/7002")
			.header("X-API-Key", AJANTA_KEY)
			.accept(MediaType.parseMediaType("application/vnd.ftgo.v2+json"))
			.exchange()
			.expectStatus()
			.isNotFound();
	}

	// GET /v1/restaurants/{id}/menu

	@Test
	void menuV1_proxiedWithDeprecationHeaders() {
		withKey(AJANTA_KEY, "/v1/restaurants/502/menu").expectStatus()
			.isOk()
			.expectHeader()
			.valueEquals(HttpHeaders.LINK, "</v2/restaurants/502/menu>; rel=\"successor-version\"")
			.expectHeader()
			.exists("Deprecation")
			.expectBody()
			.jsonPath("$.name")
			.isEqualTo("Egg Shop")
			.jsonPath("$.menu[0].price")
			.isEqualTo("9.50");
	}

	@Test
	void menuV1_twoPartners_cachedOnceForEveryone() {
		withKey(AJANTA_KEY, "/v1/restaurants/504/menu").expectStatus().isOk();
		withKey(EGGSHOP_KEY, "/v1/restaurants/504/menu").expectStatus()
			.isOk()
			.expectHeader()
			.valueEquals("X-Cache", "HIT");

		assertThat(providers.requestCount(Provider.RESTAURANT, "GET", "/restaurants/504")).isLessThanOrEqualTo(1);
	}

	@Test
	void menuV2_proxied() {
		withKey(EGGSHOP_KEY, "/v2/restaurants/501/menu").expectStatus()
			.isOk()
			.expectHeader()
			.doesNotExist("Deprecation")
			.expectBody()
			.jsonPath("$.name")
			.isEqualTo("Ajanta");
	}

	@Test
	void menuV1_noCredentials_401() {
		this.client.get().uri("/v1/restaurants/501/menu").exchange().expectStatus().isUnauthorized();

		assertThat(providers.requestCount(Provider.RESTAURANT)).isZero();
	}

	// OpenAPI

	@Test
	void openApi_servedWithoutCredentials_listsExactlyTheRoutesThatExist() {
		byte[] document = this.client.get()
			.uri("/v3/api-docs")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.returnResult()
			.getResponseBody();

		Set<String> documented = new TreeSet<>();
		JsonNode paths = JsonMapper.builder().build().readTree(document).get("paths");
		for (String path : paths.propertyNames()) {
			for (String method : paths.get(path).propertyNames()) {
				documented.add(method.toUpperCase() + " " + path);
			}
		}
		assertThat(documented).isNotEmpty().isEqualTo(actualRoutes());
	}

	@SuppressWarnings("unchecked")
	private Set<String> actualRoutes() {
		Set<String> routes = new TreeSet<>();
		Map<String, Composition> compositions = this.context.getBean("edgeCompositions", Map.class);
		compositions.values().forEach((composition) -> routes.add(composition.explain().request()));
		List<RouteDefinition> definitions = this.context.getBean(RouteDefinitionLocator.class)
			.getRouteDefinitions()
			.collectList()
			.block(Duration.ofSeconds(5));
		for (RouteDefinition definition : definitions) {
			List<String> methods = values(definition, "Method");
			for (String path : values(definition, "Path")) {
				for (String method : methods) {
					routes.add(method + " " + path);
				}
			}
		}
		return routes;
	}

	private static List<String> values(RouteDefinition definition, String predicate) {
		return definition.getPredicates()
			.stream()
			.filter((p) -> p.getName().equals(predicate))
			.map(PredicateDefinition::getArgs)
			.flatMap((args) -> args.values().stream())
			.flatMap((value) -> java.util.Arrays.stream(value.split(",")))
			.map(String::trim)
			.toList();
	}

	// actuator

	@Test
	void actuator_probesOnManagementPort() {
		WebTestClient management = WebTestClient.bindToServer()
			.baseUrl("http://localhost:" + this.managementPort)
			.responseTimeout(Duration.ofSeconds(10))
			.build();

		management.get().uri("/actuator/health/liveness").exchange().expectStatus().isOk();
		management.get().uri("/actuator/health/readiness").exchange().expectStatus().isOk();
		management.get().uri("/actuator/prometheus").exchange().expectStatus().isOk();
	}

	@Test
	void shippedLimits_everyProviderLimited_bffWideFloorSizedToThePileUp() {
		// The BFF-wide floor is sized to a GC pause's pile-up (docs/load-shedding.md);
		// what queues at a slow provider is bounded by that provider's own limit.
		EdgeConcurrencyProperties bffWide = this.context.getBean(EdgeConcurrencyProperties.class);
		assertThat(bffWide.enabled()).isTrue();
		assertThat(bffWide.minLimit()).isEqualTo(200);
		assertThat(bffWide.initialLimit()).isEqualTo(200);
		ProviderRegistry registry = this.context.getBean(ProviderRegistry.class);
		CompositionEngine compositionEngine = this.context.getBean(CompositionEngine.class);
		// every provider of the shipped application.yaml (the test environment may
		// add others)
		assertThat(registry.names()).contains("order", "kitchen", "restaurant");
		assertThat(List.of("order", "kitchen", "restaurant")).allSatisfy((id) -> {
			ProviderLimit limit = compositionEngine.policy(id).concurrencyLimit();
			assertThat(limit).as(id).isNotNull();
			ProviderSettings.ConcurrencySettings settings = limit.settings();
			assertThat(settings.algorithm()).isEqualTo("gradient2");
			assertThat(settings.initialLimit()).isEqualTo(64);
			assertThat(settings.minLimit()).isEqualTo(8);
			assertThat(settings.maxLimit()).isEqualTo(64);
			assertThat(settings.tolerance()).isEqualTo(1.0);
			assertThat(settings.queueSize()).isEqualTo(2);
			assertThat(settings.smoothing()).isEqualTo(1.0);
			assertThat(settings.warmUp()).hasSeconds(30);
			assertThat(settings.partitions().keySet()).containsExactly("current", "deprecated");
			assertThat(settings.partitions().keySet()).isEqualTo(bffWide.partitions().keySet());
		});
	}

}
