package io.ftgo.edge.bff.web;

import java.util.List;
import java.util.Map;

import io.ftgo.edge.stubs.EdgeTestEnvironment;
import io.ftgo.edge.stubs.FtgoProviders;
import io.ftgo.edge.stubs.Provider;
import io.ftgo.edge.stubs.ProviderFault;
import io.ftgo.edge.stubs.identity.DevIdentityProvider;
import io.ftgo.edge.stubs.junit.EdgeTest;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * bff-web's GraphQL endpoint end to end: the real application and schema, the FTGO stub
 * providers, tokens from the dev identity provider. Every claim about calls is counted
 * from the providers' journals.
 */
@EdgeTest
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient(timeout = "20s")
class WebGraphQlIntegrationTests {

	static final EdgeTestEnvironment env = EdgeTestEnvironment.shared();

	static final DevIdentityProvider identity = env.identity();

	static final FtgoProviders providers = env.providers();

	static final List<Provider> ALL = List.of(Provider.values());

	@Autowired
	WebTestClient client;

	@LocalManagementPort
	int managementPort;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		// Generous timeouts: the first calls of a cold JVM on a shared machine are slow.
		// Delivery stays below 7901's 5 s delay.
		for (String provider : List.of("order", "kitchen", "accounting", "consumer", "restaurant")) {
			registry.add("edge.providers." + provider + ".timeout", () -> "2s");
		}
		registry.add("edge.providers.delivery.timeout", () -> "1s");
		registry.add("edge.graphql.timeout", () -> "4s");
	}

	static String token(String user) {
		return identity.passwordGrant(user, "password");
	}

	WebTestClient.BodyContentSpec graphql(String user, String query) {
		return graphql(user, query, Map.of());
	}

	WebTestClient.BodyContentSpec graphql(String user, String query, Map<String, Object> variables) {
		return this.client.post()
			.uri("/graphql")
			.headers((h) -> h.setBearerAuth(token(user)))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("query", query, "variables", variables))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody();
	}

	static long calls(Provider provider) {
		return providers.requestCount(provider);
	}

	static long totalCalls() {
		return ALL.stream().mapToLong(providers::requestCount).sum();
	}

	// the book's queries (Microservices Patterns 8.3), as printed

	@Test
	void book_consumerWithOrdersAndRestaurantNames_oneCallPerDistinctRestaurant() {
		graphql("alice", """
				query {
				  consumer(consumerId: 1001) {
				    id
				    firstName
				    lastName
				    orders {
				      orderId
				      restaurant {
				        id
				        name
				      }
				    }
				  }
				}
				""").jsonPath("$.data.consumer.id")
			.isEqualTo(1001)
			.jsonPath("$.data.consumer.firstName")
			.isEqualTo("Alice")
			.jsonPath("$.data.consumer.lastName")
			.isEqualTo("Archer")
			.jsonPath("$.data.consumer.orders.length()")
			.isEqualTo(13)
			.jsonPath("$.data.consumer.orders[?(@.orderId == 7001)].restaurant.name")
			.isEqualTo("Ajanta")
			.jsonPath("$.data.consumer.orders[?(@.orderId == 7005)].restaurant.name")
			.isEqualTo("Sushi Sora");

		// 13 orders name 4 restaurants (501 seven times): one call each.
		assertThat(providers.requestCount(Provider.RESTAURANT, "GET", "/restaurants/501")).isEqualTo(1);
		assertThat(providers.requestCount(Provider.RESTAURANT, "GET", "/restaurants/502")).isEqualTo(1);
		assertThat(providers.requestCount(Provider.RESTAURANT, "GET", "/restaurants/504")).isEqualTo(1);
		assertThat(providers.requestCount(Provider.RESTAURANT, "GET", "/restaurants/503")).isBetween(1, 2);
		assertThat(providers.requests(Provider.ORDER)
			.stream()
			.filter((r) -> r.getUrl().equals("/orders?consumerId=1001"))
			.count()).isEqualTo(1);
		assertThat(calls(Provider.CONSUMER)).isEqualTo(1);
		assertThat(calls(Provider.KITCHEN) + calls(Provider.DELIVERY) + calls(Provider.ACCOUNTING)).isZero();
	}

	@Test
	void history_consumerOfEveryOrder_oneConsumerCallPerRequestEvenWhenNotInFlightTogether() {
		// Each summary lacks consumerId: its order is loaded first (one call per order),
		// and the
		// consumer calls start as those loads finish, at different times. Collapsing
		// alone
		// would not catch them all; the per-request deduplication does.
		graphql("alice", "{ me { orders { orderId consumer { firstName } } } }").jsonPath("$.data.me.orders.length()")
			.isEqualTo(13)
			.jsonPath("$.data.me.orders[*].consumer.firstName")
			.value((List<String> names) -> assertThat(names).hasSize(13).containsOnly("Alice"));

		assertThat(providers.requestCount(Provider.CONSUMER, "GET", "/consumers/1001")).isEqualTo(1);
		assertThat(providers.requestCount(Provider.ORDER, "GET", "/orders/[0-9]+")).isEqualTo(13);
	}

	@Test
	void book_ordersOfAConsumer() {
		graphql("alice", """
				query {
				  orders(consumerId: 1001) {
				    orderId
				    consumerId
				    restaurant { name }
				  }
				}
				""").jsonPath("$.data.orders[0].orderId")
			.isNumber()
			.jsonPath("$.data.orders[?(@.orderId == 7006)].consumerId")
			.isEqualTo(1001)
			.jsonPath("$.data.orders[?(@.orderId == 7004)].restaurant.name")
			.isEqualTo("Egg Shop");
	}

	@Test
	void book_orderById_allFieldsFromTheStubs_eachProviderCalledOnce() {
		graphql("alice", """
				query {
				  order(orderId: 7001) {
				    orderId
				    consumerId
				    state
				    orderTotal
				    lineItems { name quantity price }
				    consumer { firstName lastName }
				    restaurant { name address { city } }
				    deliveryInfo { status estimatedDeliveryTime assignedCourier courierLocation { lat lng } }
				    ticket { state }
				    bill { state amount paymentMethod { brand last4 } }
				  }
				}
				""").jsonPath("$.errors")
			.doesNotExist()
			.jsonPath("$.data.order.orderId")
			.isEqualTo(7001)
			.jsonPath("$.data.order.consumerId")
			.isEqualTo(1001)
			.jsonPath("$.data.order.state")
			.isEqualTo("APPROVED")
			.jsonPath("$.data.order.orderTotal")
			.isEqualTo("61.70")
			.jsonPath("$.data.order.lineItems[0].name")
			.isNotEmpty()
			.jsonPath("$.data.order.consumer.firstName")
			.isEqualTo("Alice")
			.jsonPath("$.data.order.restaurant.name")
			.isEqualTo("Ajanta")
			.jsonPath("$.data.order.deliveryInfo.status")
			.isEqualTo("SCHEDULED")
			.jsonPath("$.data.order.deliveryInfo.assignedCourier")
			.isEqualTo(9001)
			.jsonPath("$.data.order.ticket.state")
			.isEqualTo("PICKED_UP")
			.jsonPath("$.data.order.bill.paymentMethod.last4")
			.isEqualTo("4242")
			.jsonPath("$.extensions.degraded")
			.doesNotExist();

		assertThat(providers.requestCount(Provider.ORDER, "GET", "/orders/7001")).isEqualTo(1);
		assertThat(providers.requestCount(Provider.KITCHEN, "GET", "/tickets/7001")).isEqualTo(1);
		assertThat(providers.requestCount(Provider.DELIVERY, "GET", "/deliveries/7001")).isEqualTo(1);
		assertThat(providers.requestCount(Provider.ACCOUNTING, "GET", "/bills/7001")).isEqualTo(1);
		assertThat(providers.requestCount(Provider.CONSUMER, "GET", "/consumers/1001")).isEqualTo(1);
		assertThat(providers.requestCount(Provider.RESTAURANT, "GET", "/restaurants/501")).isEqualTo(1);
	}

	@Test
	void narrowQuery_callsOnlyTheProvidersOfSelectedFields() {
		graphql("alice", "{ order(orderId: 7001) { state deliveryInfo { status } } }")
			.jsonPath("$.data.order.deliveryInfo.status")
			.isEqualTo("SCHEDULED")
			.jsonPath("$.extensions.providerCalls")
			.isEqualTo(2);

		assertThat(providers.requestCount(Provider.ORDER)).isEqualTo(1);
		assertThat(providers.requestCount(Provider.DELIVERY)).isEqualTo(1);
		assertThat(providers.requestCount(Provider.KITCHEN) + providers.requestCount(Provider.ACCOUNTING)
				+ providers.requestCount(Provider.RESTAURANT) + providers.requestCount(Provider.CONSUMER))
			.isZero();
	}

	@Test
	void me_resolvesTheCallerFromTheToken() {
		graphql("bob", "{ me { id firstName email } }").jsonPath("$.data.me.id")
			.isEqualTo(1002)
			.jsonPath("$.data.me.firstName")
			.isEqualTo("Bob");

		assertThat(providers.requestCount(Provider.CONSUMER, "GET", "/consumers/1002")).isEqualTo(1);
	}

	@Test
	void get_query_answers() {
		this.client.get()
			.uri((b) -> b.path("/graphql").queryParam("query", "{q}").build("{ me { firstName } }"))
			.headers((h) -> h.setBearerAuth(token("alice")))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.data.me.firstName")
			.isEqualTo("Alice");
	}

	@Test
	void get_mutation_refusedAndNothingCalled() {
		this.client.get()
			.uri((b) -> b.path("/graphql")
				.queryParam("query", "{q}")
				.build("mutation { cancelOrder(orderId: 7001) { state } }"))
			.headers((h) -> h.setBearerAuth(token("alice")))
			.exchange()
			.expectStatus()
			.isEqualTo(405);

		assertThat(totalCalls()).isZero();
	}

	// the README's example, exactly as printed

	@Test
	void readmeExample_answersExactlyAsPrinted() throws Exception {
		String readme = java.nio.file.Files.readString(java.nio.file.Path.of("..", "README.md"));
		java.util.regex.Matcher example = java.util.regex.Pattern
			.compile("localhost:8082/graphql -d '([^']+)'\\n```\\n\\n```json\\n([^\\n]+)\\n```")
			.matcher(readme);
		assertThat(example.find()).as("README.md has the bff-web GraphQL example and its answer").isTrue();

		this.client.post()
			.uri("/graphql")
			.headers((h) -> h.setBearerAuth(token("alice")))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(example.group(1))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.json(example.group(2), org.springframework.test.json.JsonCompareMode.STRICT);
	}

	// history paging

	@Test
	void history_pagedWithFirstAndAfter() {
		List<Integer> all = new java.util.ArrayList<>();
		graphql("alice", "{ me { orders { orderId } } }").jsonPath("$.data.me.orders[*].orderId")
			.value((List<Integer> ids) -> all.addAll(ids));

		graphql("alice", "{ me { orders(first: 2, after: " + all.get(0) + ") { orderId state } } }")
			.jsonPath("$.data.me.orders[*].orderId")
			.value((List<Integer> ids) -> assertThat(ids).containsExactlyElementsOf(all.subList(1, 3)))
			.jsonPath("$.data.me.orders[0].state")
			.isNotEmpty();
	}

	// authorization, as on REST

	@Test
	void order_anotherConsumers_nullNotFound_noKitchenDeliveryAccountingCall() {
		graphql("alice", """
				{ order(orderId: 7002) { orderId ticket { state } deliveryInfo { status } bill { state }
				  restaurant { name } consumer { firstName } } }
				""").jsonPath("$.data.order")
			.doesNotExist()
			.jsonPath("$.errors[0].extensions.classification")
			.isEqualTo("NOT_FOUND")
			.jsonPath("$.errors[0].path[0]")
			.isEqualTo("order");

		assertThat(providers.requestCount(Provider.ORDER, "GET", "/orders/7002")).isEqualTo(1);
		assertThat(calls(Provider.KITCHEN)).isZero();
		assertThat(calls(Provider.DELIVERY)).isZero();
		assertThat(calls(Provider.ACCOUNTING)).isZero();
		assertThat(calls(Provider.RESTAURANT)).isZero();
		assertThat(calls(Provider.CONSUMER)).isZero();
	}

	@Test
	void consumer_anotherConsumersId_nullNotFound_nothingCalled() {
		graphql("alice", "{ consumer(consumerId: 1002) { firstName orders { orderId } } }").jsonPath("$.data.consumer")
			.doesNotExist()
			.jsonPath("$.errors[0].extensions.classification")
			.isEqualTo("NOT_FOUND");
		graphql("alice", "{ orders(consumerId: 1002) { orderId } }").jsonPath("$.data.orders")
			.doesNotExist()
			.jsonPath("$.errors[0].extensions.classification")
			.isEqualTo("NOT_FOUND");

		assertThat(totalCalls()).isZero();
	}

	@Test
	void order_unknown_nullNotFoundLikeRest404() {
		graphql("alice", "{ order(orderId: 6999) { orderId } }").jsonPath("$.data.order")
			.doesNotExist()
			.jsonPath("$.errors[0].extensions.classification")
			.isEqualTo("NOT_FOUND")
			.jsonPath("$.errors[0].extensions.httpStatus")
			.doesNotExist();
	}

	// partial answers: fault ids 7901-7904

	@Test
	void fault7901_slowDelivery_deliveryNullTimeout_restComplete() {
		graphql("alice", "{ order(orderId: 7901) { orderId ticket { state } deliveryInfo { status } bill { state } } }")
			.jsonPath("$.data.order.orderId")
			.isEqualTo(7901)
			.jsonPath("$.data.order.ticket.state")
			.isEqualTo("PREPARING")
			.jsonPath("$.data.order.bill.state")
			.isEqualTo("AUTHORIZED")
			.jsonPath("$.data.order.deliveryInfo")
			.doesNotExist()
			.jsonPath("$.errors.length()")
			.isEqualTo(1)
			.jsonPath("$.errors[0].path")
			.isEqualTo(List.of("order", "deliveryInfo"))
			.jsonPath("$.errors[0].extensions.classification")
			.isEqualTo("GATEWAY_TIMEOUT")
			.jsonPath("$.errors[0].extensions.reason")
			.isEqualTo("timeout")
			.jsonPath("$.errors[0].extensions.status")
			.isEqualTo("omitted");
	}

	@Test
	void fault7902_kitchen500_ticketNullBadGateway_restComplete() {
		graphql("alice", "{ order(orderId: 7902) { orderId ticket { state } deliveryInfo { status } bill { state } } }")
			.jsonPath("$.data.order.deliveryInfo.status")
			.isEqualTo("SCHEDULED")
			.jsonPath("$.data.order.bill.state")
			.isEqualTo("AUTHORIZED")
			.jsonPath("$.data.order.ticket")
			.doesNotExist()
			.jsonPath("$.errors.length()")
			.isEqualTo(1)
			.jsonPath("$.errors[0].path")
			.isEqualTo(List.of("order", "ticket"))
			.jsonPath("$.errors[0].extensions.classification")
			.isEqualTo("BAD_GATEWAY")
			.jsonPath("$.errors[0].extensions.reason")
			.isEqualTo("http-status")
			.jsonPath("$.errors[0].extensions.httpStatus")
			.isEqualTo(500);
	}

	@Test
	void fault7903_billConnectionReset_billNullBadGateway_restComplete() {
		graphql("alice", "{ order(orderId: 7903) { orderId ticket { state } bill { state } } }")
			.jsonPath("$.data.order.ticket.state")
			.isEqualTo("READY_FOR_PICKUP")
			.jsonPath("$.data.order.bill")
			.doesNotExist()
			.jsonPath("$.errors[0].path")
			.isEqualTo(List.of("order", "bill"))
			.jsonPath("$.errors[0].extensions.classification")
			.isEqualTo("BAD_GATEWAY")
			.jsonPath("$.errors[0].extensions.reason")
			.isEqualTo("connect");
	}

	@Test
	void fault7904_malformedRestaurant_restaurantNullBadPayload_restComplete() {
		graphql("alice", "{ order(orderId: 7904) { orderId ticket { state } restaurant { name } } }")
			.jsonPath("$.data.order.ticket.state")
			.isEqualTo("PREPARING")
			.jsonPath("$.data.order.restaurant")
			.doesNotExist()
			.jsonPath("$.errors[0].path")
			.isEqualTo(List.of("order", "restaurant"))
			.jsonPath("$.errors[0].extensions.classification")
			.isEqualTo("BAD_GATEWAY")
			.jsonPath("$.errors[0].extensions.reason")
			.isEqualTo("bad-payload");
	}

	@Test
	void kitchenFailsAfterAGoodAnswer_ticketStaleInExtensions_noError() {
		String query = "{ order(orderId: 7006) { orderId ticket { state } } }";
		graphql("alice", query).jsonPath("$.data.order.ticket.state").isEqualTo("READY_FOR_PICKUP");
		providers.inject(Provider.KITCHEN, ProviderFault.status(500));

		graphql("alice", query).jsonPath("$.data.order.ticket.state")
			.isEqualTo("READY_FOR_PICKUP")
			.jsonPath("$.errors")
			.doesNotExist()
			.jsonPath("$.extensions.degraded['order.ticket'].status")
			.isEqualTo("stale")
			.jsonPath("$.extensions.degraded['order.ticket'].reason")
			.isEqualTo("http-status")
			.jsonPath("$.extensions.degraded['order.ticket'].ageSeconds")
			.isNumber();
	}

	@Test
	void requiredRootFails_pathNullWithGatewayClassification() {
		providers.inject(Provider.ORDER, ProviderFault.status(503));

		graphql("alice", "{ order(orderId: 7001) { orderId } }").jsonPath("$.data.order")
			.doesNotExist()
			.jsonPath("$.errors[0].extensions.classification")
			.isEqualTo("BAD_GATEWAY")
			.jsonPath("$.errors[0].extensions.status")
			.isEqualTo("failed");
	}

	// mutations

	@Test
	void cancelOrder_own_postedOnce() {
		graphql("alice", "mutation { cancelOrder(orderId: 7003) { orderId state } }")
			.jsonPath("$.data.cancelOrder.state")
			.isEqualTo("CANCEL_PENDING");

		assertThat(providers.requestCount(Provider.ORDER, "POST", "/orders/7003/cancel")).isEqualTo(1);
	}

	@Test
	void cancelOrder_anotherConsumers_nullNotFound_neverPosted() {
		graphql("alice", "mutation { cancelOrder(orderId: 7002) { orderId state } }").jsonPath("$.data.cancelOrder")
			.doesNotExist()
			.jsonPath("$.errors[0].extensions.classification")
			.isEqualTo("NOT_FOUND");

		assertThat(providers.requestCount(Provider.ORDER, "POST", ".*")).isZero();
	}

	@Test
	void createOrder_consumerFromToken_neverRetried() {
		String mutation = """
				mutation { createOrder(order: { restaurantId: 501, lineItems: [{ menuItemId: 50101, quantity: 2 }] }) { orderId } }
				""";
		graphql("alice", mutation).jsonPath("$.data.createOrder.orderId").isEqualTo(7100);
		assertThat(providers.requests(Provider.ORDER).get(0).getBodyAsString()).contains("\"consumerId\":1001")
			.contains("50101");

		providers.inject(Provider.ORDER, ProviderFault.status(503).onPath("/orders"));
		graphql("alice", mutation).jsonPath("$.data.createOrder")
			.doesNotExist()
			.jsonPath("$.errors[0].extensions.classification")
			.isEqualTo("BAD_GATEWAY");
		assertThat(providers.requestCount(Provider.ORDER, "POST", "/orders")).isEqualTo(2);
	}

	// protection: refusals call nothing

	@Test
	void tooDeep_refused_nothingCalled() {
		graphql("alice", """
				{ me { orders { consumer { orders { consumer { orders { consumer { orders { orderId } } } } } } } } }
				""").jsonPath("$.data")
			.doesNotExist()
			.jsonPath("$.errors[0].extensions.classification")
			.isEqualTo("QUERY_TOO_DEEP");

		assertThat(totalCalls()).isZero();
	}

	@Test
	void tooComplex_refused_nothingCalled() {
		graphql("alice", "{ orders(consumerId: 1001, first: 500) { orderId ticket { state } } }")
			.jsonPath("$.errors[0].extensions.classification")
			.isEqualTo("QUERY_TOO_COMPLEX");

		assertThat(totalCalls()).isZero();
	}

	@Test
	void overCallBudget_refused_nothingCalled() {
		graphql("alice", "{ orders(consumerId: 1001, first: 60) { ticket { id } } }")
			.jsonPath("$.errors[0].extensions.classification")
			.isEqualTo("CALL_BUDGET_EXCEEDED")
			.jsonPath("$.errors[0].extensions.providerCalls")
			.isEqualTo(61);

		assertThat(totalCalls()).isZero();
	}

	@Test
	void exponentialFragments_refusedTooLarge_boundedWork_nothingCalled() {
		// Each fragment spreads the next under eight aliases: 8^8 paths (about 1.7e7
		// fields) in a document of a few kilobytes.
		StringBuilder document = new StringBuilder("{ me { ...F0 } }\n");
		int levels = 8;
		for (int i = 0; i < levels; i++) {
			document.append("fragment F").append(i).append(" on Consumer {");
			for (int a = 0; a < 8; a++) {
				document.append(" a").append(a).append(": orders { consumer { ...F").append(i + 1).append(" } }");
			}
			document.append(" }\n");
		}
		document.append("fragment F").append(levels).append(" on Consumer { firstName }\n");

		graphql("alice", document.toString()).jsonPath("$.data")
			.doesNotExist()
			.jsonPath("$.errors[0].extensions.classification")
			.isEqualTo("QUERY_TOO_LARGE")
			.jsonPath("$.errors[0].extensions.maxWork")
			.isEqualTo(2000)
			.jsonPath("$.errors[0].extensions.work")
			.value((Integer work) -> assertThat(work).isGreaterThan(2000)
				.isLessThanOrEqualTo(2000 + document.length()));

		assertThat(totalCalls()).isZero();
	}

	@Test
	void fragmentChain_refusedTooDeep_beforeGraphQlJavaRecursesOnIt_nothingCalled() {
		// One field deep, a thousand fragments: graphql-java's validation would recurse
		// once per fragment (a stack overflow on the event loop).
		StringBuilder document = new StringBuilder("{ me { ...F0 } }\n");
		for (int i = 0; i < 1000; i++) {
			document.append("fragment F").append(i).append(" on Consumer { ...F").append(i + 1).append(" }\n");
		}
		document.append("fragment F1000 on Consumer { firstName }\n");

		graphql("alice", document.toString()).jsonPath("$.data")
			.doesNotExist()
			.jsonPath("$.errors[0].extensions.classification")
			.isEqualTo("QUERY_TOO_DEEP")
			.jsonPath("$.errors[0].extensions.maxNesting")
			.isEqualTo(32);

		assertThat(totalCalls()).isZero();
	}

	@Test
	void wrongTypeVariable_refusedInTheEdgesWords_noJavaClassName_nothingCalled() {
		graphql("alice", "query($id: Int!) { order(orderId: $id) { orderId } }", Map.of("id", Map.of("a", 1)))
			.jsonPath("$.data")
			.doesNotExist()
			.jsonPath("$.errors[0].extensions.classification")
			.isEqualTo("INVALID_INPUT")
			.jsonPath("$.errors[0].message")
			.isEqualTo("Variable '$id' expects Int!, got an object")
			.jsonPath("$.errors[0].extensions.variable")
			.isEqualTo("id")
			.jsonPath("$.errors[0].extensions.expected")
			.isEqualTo("Int!");
		graphql("alice", "{ order(orderId: \"7001\") { orderId } }").jsonPath("$.errors[0].message")
			.isEqualTo("Argument 'orderId' of field 'Query.order' expects Int!, got a string");
		// graphql-java's own validation messages lose their prefix and any class name.
		graphql("alice", "{ order(orderId: 7001) { orderId nope } }").jsonPath("$.errors[0].message")
			.value((String message) -> assertThat(message).doesNotContain("Validation error")
				.doesNotContainPattern("LinkedHashMap|StringValue|java\\."));

		assertThat(totalCalls()).isZero();
	}

	@Test
	void persistedQuery_byIdAndByHash() {
		this.client.post()
			.uri("/graphql")
			.headers((h) -> h.setBearerAuth(token("alice")))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("variables", Map.of("orderId", 7001), "extensions",
					Map.of("persistedQuery", Map.of("id", "order-page"))))
			.exchange()
			.expectBody()
			.jsonPath("$.data.order.restaurant.name")
			.isEqualTo("Ajanta");
		this.client.post()
			.uri("/graphql")
			.headers((h) -> h.setBearerAuth(token("alice")))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("extensions", Map.of("persistedQuery", Map.of("sha256Hash", "00ff"))))
			.exchange()
			.expectBody()
			.jsonPath("$.errors[0].extensions.classification")
			.isEqualTo("PERSISTED_QUERY_NOT_FOUND");
	}

	// the edge chain

	@Test
	void hostileTokens_401BeforeAnyResolver() {
		var minter = identity.minter();
		for (String token : List.of(minter.forConsumer(1001, "web").expired().sign(),
				minter.forConsumer(1001, "web").algNone().sign(),
				minter.forConsumer(1001, "web").wrongAudience().sign(),
				minter.forConsumer(1001, "web").foreignKey().sign())) {
			this.client.post()
				.uri("/graphql")
				.headers((h) -> h.setBearerAuth(token))
				.contentType(MediaType.APPLICATION_JSON)
				.bodyValue(Map.of("query", "{ me { firstName } }"))
				.exchange()
				.expectStatus()
				.isUnauthorized()
				.expectHeader()
				.contentType(MediaType.APPLICATION_PROBLEM_JSON);
		}
		this.client.post()
			.uri("/graphql")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("query", "{ me { firstName } }"))
			.exchange()
			.expectStatus()
			.isUnauthorized();
		// A valid token without bff-web's scope: 403, as on REST.
		this.client.post()
			.uri("/graphql")
			.headers((h) -> h.setBearerAuth(minter.forConsumer(1001, "mobile").sign()))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("query", "{ me { firstName } }"))
			.exchange()
			.expectStatus()
			.isForbidden();

		assertThat(totalCalls()).isZero();
	}

	@Test
	void explain_onManagementPort_stagesAndPolicies() {
		WebTestClient management = WebTestClient.bindToServer()
			.baseUrl("http://localhost:" + this.managementPort)
			.build();

		management.get()
			.uri("/actuator/graphql/order-page")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.work")
			.isEqualTo(38)
			.jsonPath("$.stages[0].stage")
			.isEqualTo(1)
			.jsonPath("$.stages[0].calls[0].provider")
			.isEqualTo("order")
			.jsonPath("$.stages[1].calls.length()")
			.isEqualTo(5)
			.jsonPath("$.stages[1].calls[?(@.provider == 'kitchen')].policy.timeout")
			.isEqualTo("PT2S")
			.jsonPath("$.refusal")
			.doesNotExist();
		assertThat(totalCalls()).isZero();
	}

}
