package io.ftgo.edge.bff.mobile;

import java.util.Map;

import io.ftgo.edge.stubs.EdgeTestEnvironment;
import io.ftgo.edge.stubs.FtgoProviders;
import io.ftgo.edge.stubs.Provider;
import io.ftgo.edge.stubs.identity.DevIdentityProvider;
import io.ftgo.edge.stubs.junit.EdgeTest;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * bff-mobile's GraphQL endpoint end to end: its own schema and scope, the book's query,
 * batching and authorization counted from the stub providers' journals.
 */
@EdgeTest
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient(timeout = "20s")
class MobileGraphQlIntegrationTests {

	static final EdgeTestEnvironment env = EdgeTestEnvironment.shared();

	static final DevIdentityProvider identity = env.identity();

	static final FtgoProviders providers = env.providers();

	@Autowired
	WebTestClient client;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		// Generous timeouts: the first calls of a cold JVM on a shared machine are slow.
		for (String provider : java.util.List.of("order", "delivery", "consumer", "restaurant")) {
			registry.add("edge.providers." + provider + ".timeout", () -> "2s");
		}
		registry.add("edge.graphql.timeout", () -> "4s");
	}

	WebTestClient.ResponseSpec post(String token, Map<String, Object> body) {
		return this.client.post()
			.uri("/graphql")
			.headers((h) -> h.setBearerAuth(token))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(body)
			.exchange();
	}

	static String alice() {
		return identity.passwordGrant("alice", "password");
	}

	@Test
	void book_consumerWithOrdersAndRestaurantNames_oneRestaurantCallPerDistinctRestaurant() {
		post(alice(), Map.of("query",
				"query { consumer(consumerId: 1001) { id firstName lastName orders { orderId restaurant { id name } } } }"))
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.data.consumer.firstName")
			.isEqualTo("Alice")
			.jsonPath("$.data.consumer.orders.length()")
			.isEqualTo(10)
			.jsonPath("$.data.consumer.orders[?(@.orderId == 7005)].restaurant.name")
			.isEqualTo("Sushi Sora");

		// 10 orders, 4 restaurants: one call each.
		assertThat(providers.requestCount(Provider.RESTAURANT, "GET", "/restaurants/501")).isEqualTo(1);
		assertThat(providers.requestCount(Provider.RESTAURANT, "GET", "/restaurants/502")).isEqualTo(1);
		assertThat(env.grpcOrders().callCount("GetOrdersForConsumer")).isEqualTo(1);
	}

	@Test
	void readmeExample_asPrinted() throws Exception {
		String readme = java.nio.file.Files.readString(java.nio.file.Path.of("..", "README.md"));
		java.util.regex.Matcher example = java.util.regex.Pattern.compile("localhost:8081/graphql -d '([^']+)'")
			.matcher(readme);
		assertThat(example.find()).as("README.md has the bff-mobile GraphQL example").isTrue();

		this.client.post()
			.uri("/graphql")
			.headers((h) -> h.setBearerAuth(alice()))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(example.group(1))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.errors")
			.doesNotExist()
			.jsonPath("$.data.order.state")
			.isEqualTo("APPROVED")
			.jsonPath("$.data.order.restaurant.name")
			.isEqualTo("Ajanta")
			.jsonPath("$.data.order.deliveryInfo.status")
			.isEqualTo("SCHEDULED");
	}

	@Test
	void statusCard_persistedQuery_byId() {
		post(alice(),
				Map.of("variables", Map.of("orderId", 7001), "extensions",
						Map.of("persistedQuery", Map.of("id", "status-card"))))
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.data.order.state")
			.isEqualTo("APPROVED")
			.jsonPath("$.data.order.restaurant.name")
			.isEqualTo("Ajanta")
			.jsonPath("$.data.order.deliveryInfo.status")
			.isEqualTo("SCHEDULED")
			.jsonPath("$.errors")
			.doesNotExist();
	}

	@Test
	void anotherConsumersOrder_nullNotFound_noDeliveryCall() {
		post(alice(), Map.of("query", "{ order(orderId: 7002) { state deliveryInfo { status } restaurant { name } } }"))
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.data.order")
			.doesNotExist()
			.jsonPath("$.errors[0].extensions.classification")
			.isEqualTo("NOT_FOUND");

		assertThat(providers.requestCount(Provider.DELIVERY)).isZero();
		assertThat(providers.requestCount(Provider.RESTAURANT)).isZero();
	}

	@Test
	void webOnlyToken_403_nothingCalled() {
		post(identity.minter().forConsumer(1001, "web").sign(), Map.of("query", "{ me { firstName } }")).expectStatus()
			.isForbidden();

		assertThat(providers.requestCount(Provider.CONSUMER)).isZero();
	}

}
