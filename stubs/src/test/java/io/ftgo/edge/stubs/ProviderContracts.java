package io.ftgo.edge.stubs;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.lang.reflect.RecordComponent;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;

import io.ftgo.edge.stubs.SeedData.BillState;
import io.ftgo.edge.stubs.SeedData.CourierActionType;
import io.ftgo.edge.stubs.SeedData.DeliveryState;
import io.ftgo.edge.stubs.SeedData.OrderState;
import io.ftgo.edge.stubs.SeedData.TicketState;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.type.LogicalType;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The provider contracts as typed records, and a strict reader: unknown or missing
 * properties fail, ids must be JSON numbers and money JSON strings, enums must be the
 * book's constants; {@link #validate} then checks that every component not marked
 * {@link Nullable} is present and that {@link Money} matches {@code ^\d+\.\d{2}$}.
 */
final class ProviderContracts {

	static final Pattern MONEY = Pattern.compile("^\\d+\\.\\d{2}$");

	static final JsonMapper STRICT = JsonMapper.builder()
		.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES,
				DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
		.disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
		.withCoercionConfig(LogicalType.Textual,
				(config) -> config.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
					.setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
					.setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
		.build();

	private ProviderContracts() {
	}

	/** The component may be JSON null (it must still be present). */
	@Retention(RetentionPolicy.RUNTIME)
	@Target(ElementType.RECORD_COMPONENT)
	@interface Nullable {

	}

	/** A decimal string with two fraction digits, e.g. "61.70". */
	@Retention(RetentionPolicy.RUNTIME)
	@Target(ElementType.RECORD_COMPONENT)
	@interface Money {

	}

	record Address(String street1, String city, String state, String zip) {
	}

	record LineItem(long menuItemId, String name, int quantity, @Money String price) {
	}

	record OrderDetails(long orderId, OrderState state, @Money String orderTotal, long consumerId, long restaurantId,
			List<LineItem> lineItems, Address deliveryAddress, Instant createdAt) {
	}

	record OrderSummary(long orderId, OrderState status, long restaurantId, String restaurantName) {
	}

	record OrderHistory(List<OrderSummary> orders, @Nullable String startKey) {
	}

	record CreatedOrder(long orderId) {
	}

	record OrderStateChange(long orderId, OrderState state, @Money String orderTotal) {
	}

	record Ticket(long id, TicketState state, long restaurantId, @Nullable Instant readyBy,
			@Nullable Instant acceptTime, @Nullable Instant preparingTime, @Nullable Instant readyForPickupTime,
			@Nullable Instant pickedUpTime) {
	}

	record DeliveryInfo(long id, DeliveryState state) {
	}

	record CourierAction(CourierActionType type) {
	}

	record Location(double lat, double lng) {
	}

	record Delivery(DeliveryInfo deliveryInfo, @Nullable Long assignedCourier, List<CourierAction> courierActions,
			@Nullable Instant estimatedDeliveryTime, @Nullable Location courierLocation) {
	}

	record PaymentMethod(String brand, String last4) {
	}

	record Bill(long orderId, BillState state, @Money String amount, PaymentMethod paymentMethod) {
	}

	record PersonName(String firstName, String lastName) {
	}

	record ConsumerInfo(long consumerId, PersonName name, String email) {
	}

	record MenuItem(long id, String name, @Money String price) {
	}

	record RestaurantDetails(long id, String name, Address address, List<MenuItem> menu) {
	}

	record RestaurantSummary(long id, String name, Address address) {
	}

	record RestaurantList(List<RestaurantSummary> restaurants) {
	}

	/** Parses strictly and validates; fails the test naming the path of a bad value. */
	static <T extends Record> T parse(String json, Class<T> type) {
		T value = STRICT.readValue(json, type);
		validate(value, type.getSimpleName());
		return value;
	}

	static void validate(Object value, String path) {
		if (value instanceof List<?> list) {
			for (int i = 0; i < list.size(); i++) {
				assertThat(list.get(i)).as(path + "[" + i + "]").isNotNull();
				validate(list.get(i), path + "[" + i + "]");
			}
			return;
		}
		if (!(value instanceof Record)) {
			return;
		}
		for (RecordComponent component : value.getClass().getRecordComponents()) {
			String componentPath = path + "." + component.getName();
			Object componentValue;
			try {
				componentValue = component.getAccessor().invoke(value);
			}
			catch (ReflectiveOperationException ex) {
				throw new IllegalStateException(ex);
			}
			if (componentValue == null) {
				assertThat(component.isAnnotationPresent(Nullable.class)).as(componentPath + " is null").isTrue();
				continue;
			}
			if (component.isAnnotationPresent(Money.class)) {
				assertThat((String) componentValue).as(componentPath).matches(MONEY);
			}
			if (componentValue instanceof String text) {
				assertThat(text).as(componentPath).isNotBlank();
			}
			validate(componentValue, componentPath);
		}
	}

}
