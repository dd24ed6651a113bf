package io.ftgo.edge.stubs;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The seed data of the provider stubs, as a model: {@link StubMappingsGenerator} turns it
 * into the mapping files under src/main/resources/wiremock, and the contract tests
 * iterate over it. Change the data here, then regenerate (see stubs/README.md).
 */
final class SeedData {

	enum OrderState {

		APPROVAL_PENDING, APPROVED, REJECTED, CANCEL_PENDING, CANCELLED, REVISION_PENDING

	}

	enum TicketState {

		CREATE_PENDING, AWAITING_ACCEPTANCE, ACCEPTED, PREPARING, READY_FOR_PICKUP, PICKED_UP, CANCEL_PENDING,
		CANCELLED, REVISION_PENDING

	}

	enum DeliveryState {

		PENDING, SCHEDULED, CANCELLED

	}

	/** Not a book enum: the accounting stub's bill states. */
	enum BillState {

		PENDING, AUTHORIZED, DECLINED, REVERSED

	}

	enum CourierActionType {

		PICKUP, DROPOFF

	}

	/** How far the kitchen got with a ticket: which timestamps are set. */
	enum KitchenProgress {

		NONE, ACCEPTED, PREPARING, READY_FOR_PICKUP, PICKED_UP

	}

	record Address(String street1, String city, String state, String zip) {
	}

	record Consumer(long id, String username, String firstName, String lastName, String email, Address address) {
	}

	record MenuItem(long id, String name, String price) {
	}

	record Restaurant(long id, String name, Address address, List<MenuItem> menu) {

		MenuItem item(long menuItemId) {
			return this.menu.stream()
				.filter((item) -> item.id() == menuItemId)
				.findFirst()
				.orElseThrow(() -> new IllegalArgumentException("menu item " + menuItemId + " not at " + this.id));
		}

	}

	record Line(long menuItemId, int quantity) {
	}

	/** A courier position; null when the courier's position is not reported. */
	record Location(double lat, double lng) {
	}

	record Order(long id, long consumerId, long restaurantId, OrderState state, TicketState ticketState,
			KitchenProgress progress, DeliveryState deliveryState, Long courierId, Location courierLocation,
			BillState billState, List<Line> lines, String fault) {

		Instant createdAt() {
			int index = ORDERS.indexOf(this);
			return Instant.parse("2026-11-21T17:00:00Z").plus(Duration.ofMinutes(10L * index));
		}

		Restaurant restaurant() {
			return SeedData.restaurant(this.restaurantId);
		}

		Consumer consumer() {
			return SeedData.consumer(this.consumerId);
		}

		String total() {
			BigDecimal total = BigDecimal.ZERO;
			for (Line line : this.lines) {
				total = total.add(new BigDecimal(restaurant().item(line.menuItemId()).price())
					.multiply(BigDecimal.valueOf(line.quantity())));
			}
			return total.setScale(2).toPlainString();
		}

	}

	static final List<Consumer> CONSUMERS = List.of(
			new Consumer(1001, "alice", "Alice", "Archer", "alice@example.com",
					new Address("9 Ashby Avenue", "Berkeley", "CA", "94705")),
			new Consumer(1002, "bob", "Bob", "Baker", "bob@example.com",
					new Address("22 Baker Street", "Oakland", "CA", "94612")),
			new Consumer(1003, "carol", "Carol", "Chen", "carol@example.com",
					new Address("3 Castro Street", "San Francisco", "CA", "94114")),
			new Consumer(1004, "dave", "Dave", "Dawson", "dave@example.com",
					new Address("40 Divisadero Street", "San Francisco", "CA", "94117")));

	static final List<Restaurant> RESTAURANTS = List.of(
			new Restaurant(501, "Ajanta", new Address("1 Curry Lane", "Berkeley", "CA", "94709"),
					List.of(new MenuItem(50101, "Chicken Vindaloo", "12.50"),
							new MenuItem(50102, "Lamb Rogan Josh", "14.95"), new MenuItem(50103, "Garlic Naan", "3.50"),
							new MenuItem(50104, "Vegetable Samosa", "5.75"),
							new MenuItem(50105, "Mango Lassi", "5.50"))),
			new Restaurant(502, "Egg Shop", new Address("151 Elizabeth Street", "Oakland", "CA", "94607"),
					List.of(new MenuItem(50201, "Egg Sandwich", "9.50"), new MenuItem(50202, "Shakshuka", "13.00"),
							new MenuItem(50203, "Avocado Toast", "11.25"), new MenuItem(50204, "Cold Brew", "4.50"))),
			new Restaurant(503, "Broken Wok", new Address("503 Fault Line Road", "Oakland", "CA", "94601"),
					List.of(new MenuItem(50301, "Kung Pao Chicken", "13.80"),
							new MenuItem(50302, "Fried Rice", "8.90"))),
			new Restaurant(504, "Sushi Sora", new Address("8 Bay Street", "Emeryville", "CA", "94608"),
					List.of(new MenuItem(50401, "Salmon Nigiri", "7.60"), new MenuItem(50402, "Dragon Roll", "15.40"),
							new MenuItem(50403, "Miso Soup", "3.20"))));

	private static final Location ON_THE_WAY = new Location(37.8600, -122.2590);

	static final List<Order> ORDERS = List.of(
			order(7001, 1001, 501, OrderState.APPROVED, TicketState.PICKED_UP, KitchenProgress.PICKED_UP,
					DeliveryState.SCHEDULED, 9001L, ON_THE_WAY, BillState.AUTHORIZED, null, line(50101, 2),
					line(50102, 1), line(50103, 3), line(50104, 1), line(50105, 1)),
			order(7002, 1002, 502, OrderState.APPROVED, TicketState.PREPARING, KitchenProgress.PREPARING,
					DeliveryState.SCHEDULED, 9002L, null, BillState.AUTHORIZED, null, line(50201, 2), line(50204, 1)),
			order(7003, 1001, 501, OrderState.APPROVAL_PENDING, TicketState.CREATE_PENDING, KitchenProgress.NONE,
					DeliveryState.PENDING, null, null, BillState.PENDING, null, line(50102, 1), line(50103, 2)),
			order(7004, 1001, 502, OrderState.APPROVED, TicketState.AWAITING_ACCEPTANCE, KitchenProgress.NONE,
					DeliveryState.PENDING, null, null, BillState.AUTHORIZED, null, line(50202, 1), line(50204, 2)),
			order(7005, 1001, 504, OrderState.APPROVED, TicketState.ACCEPTED, KitchenProgress.ACCEPTED,
					DeliveryState.SCHEDULED, 9003L, null, BillState.AUTHORIZED, null, line(50401, 4), line(50403, 2)),
			order(7006, 1001, 501, OrderState.APPROVED, TicketState.READY_FOR_PICKUP, KitchenProgress.READY_FOR_PICKUP,
					DeliveryState.SCHEDULED, 9004L, new Location(37.8665, -122.2670), BillState.AUTHORIZED, null,
					line(50101, 1), line(50103, 1)),
			order(7007, 1001, 504, OrderState.REJECTED, TicketState.CANCELLED, KitchenProgress.NONE,
					DeliveryState.CANCELLED, null, null, BillState.DECLINED, null, line(50402, 2)),
			order(7008, 1001, 501, OrderState.CANCEL_PENDING, TicketState.CANCEL_PENDING, KitchenProgress.ACCEPTED,
					DeliveryState.SCHEDULED, 9005L, null, BillState.AUTHORIZED, null, line(50104, 2)),
			order(7009, 1001, 502, OrderState.CANCELLED, TicketState.CANCELLED, KitchenProgress.ACCEPTED,
					DeliveryState.CANCELLED, null, null, BillState.REVERSED, null, line(50203, 1)),
			order(7010, 1001, 501, OrderState.REVISION_PENDING, TicketState.REVISION_PENDING, KitchenProgress.ACCEPTED,
					DeliveryState.SCHEDULED, 9006L, null, BillState.AUTHORIZED, null, line(50101, 3)),
			order(7011, 1002, 501, OrderState.APPROVED, TicketState.ACCEPTED, KitchenProgress.ACCEPTED,
					DeliveryState.SCHEDULED, 9007L, null, BillState.AUTHORIZED, null, line(50102, 2), line(50105, 1)),
			order(7012, 1003, 501, OrderState.APPROVED, TicketState.PREPARING, KitchenProgress.PREPARING,
					DeliveryState.SCHEDULED, 9008L, null, BillState.AUTHORIZED, null, line(50101, 1), line(50102, 1)),
			order(7013, 1003, 504, OrderState.APPROVED, TicketState.PICKED_UP, KitchenProgress.PICKED_UP,
					DeliveryState.SCHEDULED, 9009L, new Location(37.8200, -122.2800), BillState.AUTHORIZED, null,
					line(50402, 1), line(50403, 1)),
			order(7901, 1001, 501, OrderState.APPROVED, TicketState.PREPARING, KitchenProgress.PREPARING,
					DeliveryState.SCHEDULED, 9010L, null, BillState.AUTHORIZED, "delivery answers after 5 s",
					line(50101, 1)),
			order(7902, 1001, 502, OrderState.APPROVED, TicketState.ACCEPTED, KitchenProgress.ACCEPTED,
					DeliveryState.SCHEDULED, 9011L, null, BillState.AUTHORIZED, "kitchen answers 500", line(50201, 1)),
			order(7903, 1001, 501, OrderState.APPROVED, TicketState.READY_FOR_PICKUP, KitchenProgress.READY_FOR_PICKUP,
					DeliveryState.SCHEDULED, 9012L, new Location(37.8665, -122.2670), BillState.AUTHORIZED,
					"accounting resets the connection", line(50102, 1)),
			order(7904, 1001, 503, OrderState.APPROVED, TicketState.PREPARING, KitchenProgress.PREPARING,
					DeliveryState.SCHEDULED, 9013L, null, BillState.AUTHORIZED, "restaurant 503 answers malformed JSON",
					line(50301, 1), line(50302, 1)));

	/** The fixed delay of delivery 7901. */
	static final int SLOW_DELIVERY_MILLIS = 5000;

	private SeedData() {
	}

	static Consumer consumer(long id) {
		return CONSUMERS.stream()
			.filter((consumer) -> consumer.id() == id)
			.findFirst()
			.orElseThrow(() -> new IllegalArgumentException("no consumer " + id));
	}

	static Restaurant restaurant(long id) {
		return RESTAURANTS.stream()
			.filter((restaurant) -> restaurant.id() == id)
			.findFirst()
			.orElseThrow(() -> new IllegalArgumentException("no restaurant " + id));
	}

	static Order order(long id) {
		return ORDERS.stream()
			.filter((order) -> order.id() == id)
			.findFirst()
			.orElseThrow(() -> new IllegalArgumentException("no order " + id));
	}

	/** The consumer's orders, newest first (as the order history answers them). */
	static List<Order> ordersOf(long consumerId) {
		return ORDERS.stream()
			.filter((order) -> order.consumerId() == consumerId)
			.sorted((a, b) -> b.createdAt().compareTo(a.createdAt()))
			.toList();
	}

	private static Order order(long id, long consumerId, long restaurantId, OrderState state, TicketState ticketState,
			KitchenProgress progress, DeliveryState deliveryState, Long courierId, Location courierLocation,
			BillState billState, String fault, Line... lines) {
		return new Order(id, consumerId, restaurantId, state, ticketState, progress, deliveryState, courierId,
				courierLocation, billState, List.of(lines), fault);
	}

	private static Line line(long menuItemId, int quantity) {
		return new Line(menuItemId, quantity);
	}

}
