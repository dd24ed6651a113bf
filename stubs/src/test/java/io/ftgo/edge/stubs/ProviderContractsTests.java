package io.ftgo.edge.stubs;

import io.ftgo.edge.stubs.ProviderContracts.Bill;
import io.ftgo.edge.stubs.ProviderContracts.Delivery;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The strict reader the contract tests rely on rejects what the contracts forbid. */
class ProviderContractsTests {

	private static final String BILL = "{\"orderId\":7001,\"state\":\"AUTHORIZED\",\"amount\":\"61.70\",\"paymentMethod\":{\"brand\":\"VISA\",\"last4\":\"4242\"}}";

	@Test
	void parse_validBill_succeeds() {
		assertThatCode(() -> ProviderContracts.parse(BILL, Bill.class)).doesNotThrowAnyException();
	}

	@Test
	void parse_moneyAsJsonNumber_fails() {
		String json = BILL.replace("\"61.70\"", "61.70");

		assertThatThrownBy(() -> ProviderContracts.parse(json, Bill.class)).isInstanceOf(Exception.class);
	}

	@Test
	void parse_moneyWithOneDecimal_fails() {
		String json = BILL.replace("\"61.70\"", "\"61.7\"");

		assertThatThrownBy(() -> ProviderContracts.parse(json, Bill.class)).isInstanceOf(AssertionError.class);
	}

	@Test
	void parse_idAsJsonString_fails() {
		String json = BILL.replace("7001", "\"7001\"");

		assertThatThrownBy(() -> ProviderContracts.parse(json, Bill.class)).isInstanceOf(Exception.class);
	}

	@Test
	void parse_unknownProperty_fails() {
		String json = BILL.replace("{\"orderId\"", "{\"extra\":1,\"orderId\"");

		assertThatThrownBy(() -> ProviderContracts.parse(json, Bill.class)).isInstanceOf(Exception.class);
	}

	@Test
	void parse_unknownEnumConstant_fails() {
		String json = BILL.replace("AUTHORIZED", "SETTLED");

		assertThatThrownBy(() -> ProviderContracts.parse(json, Bill.class)).isInstanceOf(Exception.class);
	}

	@Test
	void parse_requiredObjectNull_fails() {
		String json = BILL.replaceAll("\"paymentMethod\":\\{[^}]*}", "\"paymentMethod\":null");

		assertThatThrownBy(() -> ProviderContracts.parse(json, Bill.class)).isInstanceOf(AssertionError.class)
			.hasMessageContaining("Bill.paymentMethod");
	}

	@Test
	void parse_nullableComponentMissing_failsButExplicitNullParses() {
		String missing = "{\"deliveryInfo\":{\"id\":1,\"state\":\"PENDING\"},\"assignedCourier\":null,"
				+ "\"courierActions\":[],\"estimatedDeliveryTime\":null}";
		String explicitNull = missing.substring(0, missing.length() - 1) + ",\"courierLocation\":null}";

		assertThatThrownBy(() -> ProviderContracts.parse(missing, Delivery.class)).isInstanceOf(Exception.class);
		assertThat(ProviderContracts.parse(explicitNull, Delivery.class).courierLocation()).isNull();
	}

}
