package io.ftgo.edge.composition;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class ParameterTypeTests {

	static final ParameterType ID = ParameterType.parse("k", "id");

	@ParameterizedTest
	@ValueSource(strings = { "-1", "+1", "0", "1e3", "0x1B59", "7001,7002", "7001.json", " 7001", "7001 ", "%20", "{}",
			"@127.0.0.1:9085", "' OR '1'='1", "99999999999999999999", "9007199254740992", "007001", "", "7001/../7002",
			"7001;x", "٧٠٠١" })
	void id_malformedValues_refused(String value) {
		assertThat(ID.accepts(value)).isFalse();
	}

	@ParameterizedTest
	@ValueSource(strings = { "1", "7001", "9007199254740991" })
	void id_plainPositiveIntegers_accepted(String value) {
		assertThat(ID.accepts(value)).isTrue();
	}

	@Test
	void integerRange_boundsInclusive_signOnlyWhenRangeAllowsIt() {
		ParameterType page = ParameterType.parse("k", "integer(0..100)");
		ParameterType offset = ParameterType.parse("k", "integer(-5..5)");

		assertThat(page.accepts("0")).isTrue();
		assertThat(page.accepts("100")).isTrue();
		assertThat(page.accepts("101")).isFalse();
		assertThat(page.accepts("-0")).isFalse();
		assertThat(page.accepts("-1")).isFalse();
		assertThat(offset.accepts("-5")).isTrue();
		assertThat(offset.accepts("-6")).isFalse();
		assertThat(page.expectation()).isEqualTo("an integer between 0 and 100");
	}

	@Test
	void enumType_namesOnly_caseIgnored() {
		ParameterType state = ParameterType.parse("k", "enum(APPROVED|CANCELLED)");

		assertThat(state.accepts("APPROVED")).isTrue();
		assertThat(state.accepts("approved")).isTrue();
		assertThat(state.accepts("APPROVED,CANCELLED")).isFalse();
		assertThat(state.accepts("APPROVED ")).isFalse();
		assertThat(state.expectation()).isEqualTo("one of [APPROVED, CANCELLED]");
	}

	@Test
	void patternAndToken_wholeValueMatch_lengthBounded() {
		ParameterType slug = ParameterType.parse("k", "pattern([a-z]{1,8})");

		assertThat(slug.accepts("ajanta")).isTrue();
		assertThat(slug.accepts("ajanta/x")).isFalse();
		assertThat(ParameterType.TOKEN.accepts("abc-123_X")).isTrue();
		assertThat(ParameterType.TOKEN.accepts("a".repeat(65))).isFalse();
		assertThat(ParameterType.TOKEN.accepts("a.json")).isFalse();
	}

	@Test
	void badSpecs_refusedNamingTheKey() {
		assertThatIllegalArgumentException().isThrownBy(() -> ParameterType.parse("edge.x.parameters.id", "int"))
			.withMessageStartingWith("edge.x.parameters.id: int (expected: id, integer(min..max)");
		assertThatIllegalArgumentException().isThrownBy(() -> ParameterType.parse("k", "integer(5..1)"))
			.withMessageContaining("min <= max");
		assertThatIllegalArgumentException().isThrownBy(() -> ParameterType.parse("k", "pattern([a-z)"))
			.withMessageContaining("valid regular expression");
	}

	@Test
	void composition_typeForAParameterTheRequestLacks_refusedAtPlanTime() {
		ProviderRegistry providers = ProviderRegistry
			.of(java.util.Map.of("order", ProviderDefinition.of("http://localhost:1")));

		assertThatIllegalArgumentException()
			.isThrownBy(() -> Composition.builder("c")
				.request("GET /orders/{orderId}?page")
				.parameter("orderID", "id")
				.part("order", (p) -> p.from("order").get("/orders/{orderId}"))
				.build(providers))
			.withMessageStartingWith(
					"edge.compositions.c.parameters.orderID: names no request parameter (expected: one of [orderId, page]");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> Composition.builder("c")
				.request("GET /orders/{orderId}")
				.parameter("orderId", "integer")
				.part("order", (p) -> p.from("order").get("/orders/{orderId}"))
				.build(providers))
			.withMessageStartingWith(
					"edge.compositions.c.parameters.orderId: integer (expected: id, integer(min..max)");
	}

	@Test
	void composition_undeclaredParameters_areTokens_inTheExplainView() {
		ProviderRegistry providers = ProviderRegistry
			.of(java.util.Map.of("order", ProviderDefinition.of("http://localhost:1")));

		CompositionPlan plan = Composition.builder("c")
			.request("GET /orders/{orderId}?page")
			.parameter("page", "integer(0..10)")
			.part("order", (p) -> p.from("order").get("/orders/{orderId}"))
			.build(providers)
			.explain();

		assertThat(plan.parameters()).containsExactly(java.util.Map.entry("orderId", "token"),
				java.util.Map.entry("page", "integer(0..10)"));
	}

}
