package io.ftgo.edge.stubs;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import io.ftgo.edge.stubs.ProviderContracts.Bill;
import io.ftgo.edge.stubs.ProviderContracts.ConsumerInfo;
import io.ftgo.edge.stubs.ProviderContracts.CourierAction;
import io.ftgo.edge.stubs.ProviderContracts.CreatedOrder;
import io.ftgo.edge.stubs.ProviderContracts.Delivery;
import io.ftgo.edge.stubs.ProviderContracts.OrderDetails;
import io.ftgo.edge.stubs.ProviderContracts.OrderHistory;
import io.ftgo.edge.stubs.ProviderContracts.OrderStateChange;
import io.ftgo.edge.stubs.ProviderContracts.OrderSummary;
import io.ftgo.edge.stubs.ProviderContracts.RestaurantDetails;
import io.ftgo.edge.stubs.ProviderContracts.RestaurantList;
import io.ftgo.edge.stubs.ProviderContracts.RestaurantSummary;
import io.ftgo.edge.stubs.ProviderContracts.Ticket;
import io.ftgo.edge.stubs.SeedData.CourierActionType;
import io.ftgo.edge.stubs.SeedData.DeliveryState;
import io.ftgo.edge.stubs.SeedData.Order;
import io.ftgo.edge.stubs.SeedData.OrderState;
import io.ftgo.edge.stubs.SeedData.TicketState;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.core.JacksonException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every provider, every seed id, over real HTTP: the answers parse strictly into the
 * documented shapes, agree with each other, cover every state, and the fault ids
 * misbehave as documented.
 */
class ProviderContractTests {

	private static FtgoProviders providers;

	@BeforeAll
	static void startProviders() {
		providers = FtgoProviders.startOnRandomPorts();
	}

	@AfterAll
	static void stopProviders() {
		providers.close();
	}

	@Test
	void orders_everySeedId_parseAndMatchTheSeed() {
		for (Order seed : SeedData.ORDERS) {
			OrderDetails order = getJson(Provider.ORDER, "/orders/" + seed.id(), OrderDetails.class);

			assertThat(order.orderId()).isEqualTo(seed.id());
			assertThat(order.consumerId()).isEqualTo(seed.consumerId());
			assertThat(order.restaurantId()).isEqualTo(seed.restaurantId());
			assertThat(order.state()).isEqualTo(seed.state());
			assertThat(order.lineItems()).isNotEmpty();
			BigDecimal sum = order.lineItems()
				.stream()
				.map((line) -> new BigDecimal(line.price()).multiply(BigDecimal.valueOf(line.quantity())))
				.reduce(BigDecimal.ZERO, BigDecimal::add);
			assertThat(new BigDecimal(order.orderTotal())).as("total of %s", seed.id()).isEqualByComparingTo(sum);
		}
	}

	@Test
	void order7001_fixedPoint_aliceAtAjantaApprovedWithCourierOnTheWay() {
		OrderDetails order = getJson(Provider.ORDER, "/orders/7001", OrderDetails.class);
		Ticket ticket = getJson(Provider.KITCHEN, "/tickets/7001", Ticket.class);
		Delivery delivery = getJson(Provider.DELIVERY, "/deliveries/7001", Delivery.class);
		Bill bill = getJson(Provider.ACCOUNTING, "/bills/7001", Bill.class);

		assertThat(order.consumerId()).isEqualTo(1001);
		assertThat(order.restaurantId()).isEqualTo(501);
		assertThat(order.state()).isEqualTo(OrderState.APPROVED);
		assertThat(order.orderTotal()).isEqualTo("61.70");
		assertThat(ticket.state()).isEqualTo(TicketState.PICKED_UP);
		assertThat(ticket.pickedUpTime()).isNotNull();
		assertThat(delivery.deliveryInfo().state()).isEqualTo(DeliveryState.SCHEDULED);
		assertThat(delivery.assignedCourier()).isNotNull();
		assertThat(delivery.courierLocation()).isNotNull();
		assertThat(delivery.estimatedDeliveryTime()).isAfter(order.createdAt());
		assertThat(delivery.courierActions()).extracting(CourierAction::type)
			.containsExactly(CourierActionType.DROPOFF);
		assertThat(bill.amount()).isEqualTo("61.70");
	}

	@Test
	void order7002_fixedPoint_bobAtEggShop() {
		OrderDetails order = getJson(Provider.ORDER, "/orders/7002", OrderDetails.class);

		assertThat(order.consumerId()).isEqualTo(1002);
		assertThat(order.restaurantId()).isEqualTo(502);
	}

	@Test
	void orderHistory_everyConsumer_listsExactlyTheOrdersWhoseConsumerItIs() {
		for (SeedData.Consumer consumer : SeedData.CONSUMERS) {
			OrderHistory history = getJson(Provider.ORDER, "/orders?consumerId=" + consumer.id(), OrderHistory.class);

			assertThat(history.startKey()).isNull();
			for (OrderSummary summary : history.orders()) {
				OrderDetails order = getJson(Provider.ORDER, "/orders/" + summary.orderId(), OrderDetails.class);
				assertThat(order.consumerId()).as("order %s in %s's history", summary.orderId(), consumer.username())
					.isEqualTo(consumer.id());
				assertThat(summary.status()).isEqualTo(order.state());
				assertThat(summary.restaurantId()).isEqualTo(order.restaurantId());
				assertThat(summary.restaurantName()).isEqualTo(SeedData.restaurant(order.restaurantId()).name());
			}
			assertThat(history.orders()).extracting(OrderSummary::orderId)
				.containsExactlyInAnyOrderElementsOf(
						SeedData.ordersOf(consumer.id()).stream().map(Order::id).collect(Collectors.toList()));
		}
	}

	@Test
	void orderHistory_daveAndUnknownConsumer_areEmpty() {
		OrderHistory dave = getJson(Provider.ORDER, "/orders?consumerId=1004", OrderHistory.class);
		OrderHistory unknown = getJson(Provider.ORDER, "/orders?consumerId=4242", OrderHistory.class);

		assertThat(dave.orders()).isEmpty();
		assertThat(unknown.orders()).isEmpty();
		assertThat(unknown.startKey()).isNull();
	}

	@Test
	void orderHistory_aliceAndBob_includeOrdersAtAjantaAndElsewhere() {
		OrderHistory alice = getJson(Provider.ORDER, "/orders?consumerId=1001", OrderHistory.class);
		OrderHistory bob = getJson(Provider.ORDER, "/orders?consumerId=1002", OrderHistory.class);

		assertThat(alice.orders()).extracting(OrderSummary::restaurantId).contains(501L, 502L, 503L, 504L);
		assertThat(bob.orders()).extracting(OrderSummary::restaurantId).contains(501L, 502L);
	}

	@Test
	void createOrder_anyBody_answersTheNewOrderId() {
		HttpResponse<String> response = Http.post(providers.baseUrl(Provider.ORDER) + "/orders",
				"{\"consumerId\":1001,\"restaurantId\":501,\"lineItems\":[{\"menuItemId\":50101,\"quantity\":1}]}");

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(Http.contentType(response)).isEqualTo("application/json");
		assertThat(ProviderContracts.parse(response.body(), CreatedOrder.class).orderId()).isEqualTo(7100);
	}

	@Test
	void cancelAndRevise_everySeedId_answerPendingStateWithTheOrderTotal() {
		for (Order seed : SeedData.ORDERS) {
			OrderStateChange cancel = postJson(Provider.ORDER, "/orders/" + seed.id() + "/cancel",
					OrderStateChange.class);
			OrderStateChange revise = postJson(Provider.ORDER, "/orders/" + seed.id() + "/revise",
					OrderStateChange.class);

			assertThat(cancel).isEqualTo(new OrderStateChange(seed.id(), OrderState.CANCEL_PENDING, seed.total()));
			assertThat(revise).isEqualTo(new OrderStateChange(seed.id(), OrderState.REVISION_PENDING, seed.total()));
		}
	}

	@Test
	void cancelAndRevise_unknownId_answer404EmptyBody() {
		HttpResponse<String> cancel = Http.post(providers.baseUrl(Provider.ORDER) + "/orders/9999/cancel", "{}");
		HttpResponse<String> revise = Http.post(providers.baseUrl(Provider.ORDER) + "/orders/9999/revise", "{}");

		assertThat(cancel.statusCode()).isEqualTo(404);
		assertThat(cancel.body()).isEmpty();
		assertThat(revise.statusCode()).isEqualTo(404);
		assertThat(revise.body()).isEmpty();
	}

	@Test
	void tickets_everySeedIdButTheFault_parseWithTimesMatchingTheState() {
		for (Order seed : normalOrders(FtgoSeeds.FAULT_KITCHEN_500)) {
			Ticket ticket = getJson(Provider.KITCHEN, "/tickets/" + seed.id(), Ticket.class);

			assertThat(ticket.id()).isEqualTo(seed.id());
			assertThat(ticket.restaurantId()).isEqualTo(seed.restaurantId());
			assertThat(ticket.state()).isEqualTo(seed.ticketState());
			boolean accepted = seed.progress().compareTo(SeedData.KitchenProgress.ACCEPTED) >= 0;
			assertThat(ticket.acceptTime() != null).as("acceptTime of %s", seed.id()).isEqualTo(accepted);
			assertThat(ticket.readyBy() != null).as("readyBy of %s", seed.id()).isEqualTo(accepted);
			assertThat(ticket.pickedUpTime() != null).as("pickedUpTime of %s", seed.id())
				.isEqualTo(ticket.state() == TicketState.PICKED_UP);
			if (ticket.state() == TicketState.CREATE_PENDING || ticket.state() == TicketState.AWAITING_ACCEPTANCE) {
				assertThat(ticket.acceptTime()).isNull();
			}
		}
	}

	@Test
	void deliveries_everySeedIdButTheSlowOne_parseWithCourierMatchingTheState() {
		for (Order seed : normalOrders(FtgoSeeds.FAULT_DELIVERY_SLOW)) {
			Delivery delivery = getJson(Provider.DELIVERY, "/deliveries/" + seed.id(), Delivery.class);

			assertDelivery(seed, delivery);
		}
	}

	@Test
	void bills_everySeedIdButTheFault_parseWithTheOrderTotal() {
		for (Order seed : normalOrders(FtgoSeeds.FAULT_ACCOUNTING_RESET)) {
			Bill bill = getJson(Provider.ACCOUNTING, "/bills/" + seed.id(), Bill.class);

			assertThat(bill.orderId()).isEqualTo(seed.id());
			assertThat(bill.amount()).isEqualTo(seed.total());
			assertThat(bill.state()).isEqualTo(seed.billState());
			assertThat(bill.paymentMethod().last4()).matches("\\d{4}");
		}
	}

	@Test
	void consumers_everySeed_parseWithTheirNames() {
		for (SeedData.Consumer seed : SeedData.CONSUMERS) {
			ConsumerInfo consumer = getJson(Provider.CONSUMER, "/consumers/" + seed.id(), ConsumerInfo.class);

			assertThat(consumer.consumerId()).isEqualTo(seed.id());
			assertThat(consumer.name().firstName()).isEqualTo(seed.firstName());
			assertThat(consumer.email()).contains("@");
		}
		assertThat(getJson(Provider.CONSUMER, "/consumers/1001", ConsumerInfo.class).name())
			.isEqualTo(new ProviderContracts.PersonName("Alice", "Archer"));
		assertThat(getJson(Provider.CONSUMER, "/consumers/1002", ConsumerInfo.class).name())
			.isEqualTo(new ProviderContracts.PersonName("Bob", "Baker"));
	}

	@Test
	void restaurants_everySeedIdButTheMalformedOne_parseWithMenusCoveringTheirOrders() {
		for (SeedData.Restaurant seed : SeedData.RESTAURANTS) {
			if (seed.id() == FtgoSeeds.BROKEN_WOK) {
				continue;
			}
			RestaurantDetails restaurant = getJson(Provider.RESTAURANT, "/restaurants/" + seed.id(),
					RestaurantDetails.class);

			assertThat(restaurant.id()).isEqualTo(seed.id());
			assertThat(restaurant.name()).isEqualTo(seed.name());
			Map<Long, String> prices = restaurant.menu()
				.stream()
				.collect(Collectors.toMap(ProviderContracts.MenuItem::id, ProviderContracts.MenuItem::price));
			for (Order order : SeedData.ORDERS) {
				if (order.restaurantId() == seed.id()) {
					OrderDetails details = getJson(Provider.ORDER, "/orders/" + order.id(), OrderDetails.class);
					details.lineItems()
						.forEach((line) -> assertThat(prices).as("menu of %s for order %s", seed.id(), order.id())
							.containsEntry(line.menuItemId(), line.price()));
				}
			}
		}
		assertThat(getJson(Provider.RESTAURANT, "/restaurants/501", RestaurantDetails.class).name())
			.isEqualTo("Ajanta");
	}

	@Test
	void restaurantList_answersEverySeedRestaurant() {
		RestaurantList list = getJson(Provider.RESTAURANT, "/restaurants", RestaurantList.class);

		assertThat(list.restaurants()).extracting(RestaurantSummary::id).containsExactly(501L, 502L, 503L, 504L);
		assertThat(list.restaurants()).extracting(RestaurantSummary::name)
			.containsExactly("Ajanta", "Egg Shop", "Broken Wok", "Sushi Sora");
	}

	@Test
	void seeds_union_coverEveryOrderTicketAndDeliveryState() {
		Set<OrderState> orderStates = EnumSet.noneOf(OrderState.class);
		Set<TicketState> ticketStates = EnumSet.noneOf(TicketState.class);
		Set<DeliveryState> deliveryStates = EnumSet.noneOf(DeliveryState.class);

		for (Order seed : SeedData.ORDERS) {
			orderStates.add(getJson(Provider.ORDER, "/orders/" + seed.id(), OrderDetails.class).state());
			if (seed.id() != FtgoSeeds.FAULT_KITCHEN_500) {
				ticketStates.add(getJson(Provider.KITCHEN, "/tickets/" + seed.id(), Ticket.class).state());
			}
			if (seed.id() != FtgoSeeds.FAULT_DELIVERY_SLOW) {
				deliveryStates
					.add(getJson(Provider.DELIVERY, "/deliveries/" + seed.id(), Delivery.class).deliveryInfo().state());
			}
		}

		assertThat(orderStates).containsExactlyInAnyOrder(OrderState.values());
		assertThat(ticketStates).containsExactlyInAnyOrder(TicketState.values());
		assertThat(deliveryStates).containsExactlyInAnyOrder(DeliveryState.values());
	}

	@Test
	void unknownIds_everyProvider_answer404WithEmptyBody() {
		Map<Provider, List<String>> unknown = Map.of(Provider.ORDER, List.of("/orders/9999", "/nothing/here"),
				Provider.KITCHEN, List.of("/tickets/9999", "/tickets"), Provider.DELIVERY,
				List.of("/deliveries/9999", "/"), Provider.ACCOUNTING, List.of("/bills/9999", "/bills/abc"),
				Provider.CONSUMER, List.of("/consumers/9999", "/consumers/1001/orders"), Provider.RESTAURANT,
				List.of("/restaurants/9999", "/restaurants/501/menu"));

		unknown.forEach((provider, paths) -> {
			for (String path : paths) {
				HttpResponse<String> response = Http.get(providers.baseUrl(provider) + path);

				assertThat(response.statusCode()).as("%s %s", provider, path).isEqualTo(404);
				assertThat(response.body()).as("%s %s", provider, path).isEmpty();
			}
		});
	}

	@Test
	void faultIds_everyOne_isAnOrderOfAliceAndOtherwiseNormal() {
		for (long id : List.of(7901L, 7902L, 7903L, 7904L)) {
			OrderDetails order = getJson(Provider.ORDER, "/orders/" + id, OrderDetails.class);

			assertThat(order.consumerId()).isEqualTo(FtgoSeeds.ALICE);
		}
		assertThat(getJson(Provider.KITCHEN, "/tickets/7901", Ticket.class).id()).isEqualTo(7901);
		assertThat(getJson(Provider.DELIVERY, "/deliveries/7902", Delivery.class).deliveryInfo().id()).isEqualTo(7902);
		assertThat(getJson(Provider.ACCOUNTING, "/bills/7904", Bill.class).orderId()).isEqualTo(7904);
		assertThat(getJson(Provider.KITCHEN, "/tickets/7903", Ticket.class).id()).isEqualTo(7903);
	}

	@Test
	void delivery7901_impatientClient_timesOutAfterOneSecond() {
		String url = providers.baseUrl(Provider.DELIVERY) + "/deliveries/7901";

		assertThatThrownBy(() -> Http.get(url, Duration.ofSeconds(1))).isInstanceOf(HttpTimeoutException.class);
	}

	@Test
	void ticket7902_answers500Problem() {
		HttpResponse<String> response = Http.get(providers.baseUrl(Provider.KITCHEN) + "/tickets/7902");

		assertThat(response.statusCode()).isEqualTo(500);
		assertThat(Http.contentType(response)).isEqualTo("application/problem+json");
	}

	@Test
	void bill7903_resetsTheConnection() {
		String url = providers.baseUrl(Provider.ACCOUNTING) + "/bills/7903";

		assertThatThrownBy(() -> Http.get(url, Duration.ofSeconds(5))).isInstanceOf(IOException.class)
			.isNotInstanceOf(HttpTimeoutException.class);
	}

	@Test
	void order7904_itsRestaurant503_answersMalformedJson() {
		OrderDetails order = getJson(Provider.ORDER, "/orders/7904", OrderDetails.class);

		HttpResponse<String> response = Http.get(providers.baseUrl(Provider.RESTAURANT) + "/restaurants/503");

		assertThat(order.restaurantId()).isEqualTo(503);
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(Http.contentType(response)).isEqualTo("application/json");
		assertThatThrownBy(() -> ProviderContracts.STRICT.readTree(response.body()))
			.isInstanceOf(JacksonException.class);
	}

	static void assertDelivery(Order seed, Delivery delivery) {
		assertThat(delivery.deliveryInfo().id()).isEqualTo(seed.id());
		assertThat(delivery.deliveryInfo().state()).isEqualTo(seed.deliveryState());
		if (delivery.deliveryInfo().state() == DeliveryState.SCHEDULED) {
			assertThat(delivery.assignedCourier()).as("courier of %s", seed.id()).isNotNull();
			assertThat(delivery.estimatedDeliveryTime()).as("ETA of %s", seed.id()).isNotNull();
			assertThat(delivery.courierActions()).as("actions of %s", seed.id())
				.extracting(CourierAction::type)
				.endsWith(CourierActionType.DROPOFF);
		}
		else {
			assertThat(delivery.assignedCourier()).as("courier of %s", seed.id()).isNull();
			assertThat(delivery.courierActions()).as("actions of %s", seed.id()).isEmpty();
			assertThat(delivery.courierLocation()).as("location of %s", seed.id()).isNull();
		}
	}

	private static List<Order> normalOrders(long except) {
		return SeedData.ORDERS.stream().filter((order) -> order.id() != except).toList();
	}

	private static <T extends Record> T getJson(Provider provider, String path, Class<T> type) {
		HttpResponse<String> response = Http.get(providers.baseUrl(provider) + path);
		assertThat(response.statusCode()).as("GET %s %s", provider.id(), path).isEqualTo(200);
		assertThat(Http.contentType(response)).as("GET %s %s", provider.id(), path).isEqualTo("application/json");
		return ProviderContracts.parse(response.body(), type);
	}

	private static <T extends Record> T postJson(Provider provider, String path, Class<T> type) {
		HttpResponse<String> response = Http.post(providers.baseUrl(provider) + path, "{}");
		assertThat(response.statusCode()).as("POST %s %s", provider.id(), path).isEqualTo(200);
		assertThat(Http.contentType(response)).as("POST %s %s", provider.id(), path).isEqualTo("application/json");
		return ProviderContracts.parse(response.body(), type);
	}

}
