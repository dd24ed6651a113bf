package io.ftgo.edge.security.web;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import org.springframework.security.web.server.firewall.StrictServerWebExchangeFirewall;

import static org.assertj.core.api.Assertions.assertThat;

class EdgeFirewallTests {

	@Test
	void everyCodePoint_sameVerdictAsSpringSecurityDefaults() {
		List<String> differences = new ArrayList<>();
		for (int codePoint = 0; codePoint <= Character.MAX_CODE_POINT; codePoint++) {
			compare("x" + new String(Character.toChars(codePoint)) + "y", differences);
		}
		assertThat(differences).isEmpty();
	}

	@Test
	void surrogatesTabsAndEdges_sameVerdictAsSpringSecurityDefaults() {
		List<String> differences = new ArrayList<>();
		for (String text : new String[] { null, "", "\t", "a\tb", "\uD83D", "\uDE00", "a\uD83Db", "\uDE00\uD83D",
				"\uD83D\uDE00", "\u007F", "\u0080", "\u009F", "\u00A0", "\u2028", "\uFFFF", "\r\n", "Bearer x\n" }) {
			compare(text, differences);
		}
		assertThat(differences).isEmpty();
	}

	@Test
	void randomStrings_sameVerdictAsSpringSecurityDefaults() {
		Random random = new Random(42);
		char[] alphabet = { 'a', 'Z', '0', ' ', '\t', '\n', '\u0000', '\u007F', '\u0085', '\u00E9', '\u0378', '\uD83D',
				'\uDE00', '\uFFFE', '=' };
		List<String> differences = new ArrayList<>();
		for (int n = 0; n < 20_000; n++) {
			StringBuilder text = new StringBuilder();
			for (int i = random.nextInt(12); i > 0; i--) {
				text.append(alphabet[random.nextInt(alphabet.length)]);
			}
			compare(text.toString(), differences);
		}
		assertThat(differences).isEmpty();
	}

	@Test
	void create_installsThePredicatesOnAStrictFirewall() {
		assertThat(EdgeFirewall.create()).isInstanceOf(StrictServerWebExchangeFirewall.class)
			.hasFieldOrPropertyWithValue("allowedHeaderNames", EdgeFirewall.HEADER_NAMES)
			.hasFieldOrPropertyWithValue("allowedHeaderValues", EdgeFirewall.HEADER_VALUES);
	}

	private static void compare(String text, List<String> differences) {
		if (EdgeFirewall.HEADER_NAMES.test(text) != StrictServerWebExchangeFirewall.ALLOWED_HEADER_NAMES.test(text)) {
			differences.add("name " + describe(text));
		}
		if (EdgeFirewall.HEADER_VALUES.test(text) != StrictServerWebExchangeFirewall.ALLOWED_HEADER_VALUES.test(text)) {
			differences.add("value " + describe(text));
		}
	}

	private static String describe(String text) {
		return (text != null) ? text.codePoints().mapToObj(Integer::toHexString).toList().toString() : "null";
	}

}
