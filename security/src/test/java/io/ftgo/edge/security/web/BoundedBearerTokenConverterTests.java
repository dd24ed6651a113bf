package io.ftgo.edge.security.web;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpHeaders;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;
import org.springframework.security.oauth2.server.resource.web.server.authentication.ServerBearerTokenAuthenticationConverter;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The converter parses the header without Spring Security's regular expression; these
 * tests hold it to the same verdict as Spring's converter on every header they try.
 */
class BoundedBearerTokenConverterTests {

	private static final int MAX = 64;

	private final BoundedBearerTokenConverter converter = new BoundedBearerTokenConverter(MAX);

	private final ServerBearerTokenAuthenticationConverter spring = new ServerBearerTokenAuthenticationConverter();

	@Test
	void listedHeaders_sameOutcomeAsSpringSecurity() {
		List<String> differences = new ArrayList<>();
		for (String header : new String[] { null, "", "Bearer abc.def-ghi_jkl~mno+pqr/stu", "bearer abc", "BEARER abc",
				"BeArEr abc==", "Bearer abc=", "Bearer =abc", "Bearer abc=d", "Bearer ", "Bearer", "Bearer  abc",
				"Bearer abc ", "Bearer abc def", "Bearer\tabc", "Bearer abc\n", "Bearerabc", "Bearer\u00A0abc",
				"Bearer ab\u00E9c", "Basic YWxpY2U6cGFzc3dvcmQ=", "Token abc", "Bearer ==", "Bearer a\u0000b" }) {
			compare(header, differences);
		}
		assertThat(differences).isEmpty();
	}

	@Test
	void randomHeaders_sameOutcomeAsSpringSecurity() {
		Random random = new Random(7);
		String[] prefixes = { "Bearer ", "bearer ", "BEARER ", "Bearer", "Bearer  ", "Bear ", "" };
		char[] alphabet = "aZ09-._~+/= \t\n\u00E9,;".toCharArray();
		List<String> differences = new ArrayList<>();
		for (int n = 0; n < 20_000; n++) {
			StringBuilder header = new StringBuilder(prefixes[random.nextInt(prefixes.length)]);
			for (int i = random.nextInt(10); i > 0; i--) {
				header.append(alphabet[random.nextInt(alphabet.length)]);
			}
			compare(header.toString(), differences);
		}
		assertThat(differences).isEmpty();
	}

	@Test
	void oversizedToken_rejectedAsTooLarge_beforeParsing() {
		String atLimit = "Bearer " + "a".repeat(MAX);
		String over = "Bearer " + "a".repeat(MAX + 1);
		String overAndMalformed = "Bearer " + " ".repeat(MAX + 1);

		assertThat(outcome(this.converter, atLimit)).isEqualTo("token " + "a".repeat(MAX));
		assertThat(outcome(this.converter, over)).isEqualTo("error invalid_token: The access token is too large");
		assertThat(outcome(this.converter, overAndMalformed))
			.isEqualTo("error invalid_token: The access token is too large");
	}

	@Test
	void otherSchemes_leftToOtherMechanisms() {
		assertThat(outcome(this.converter, "Basic YWxpY2U6cGFzc3dvcmQ=" + "x".repeat(MAX))).isEqualTo("empty");
		assertThat(outcome(this.converter, null)).isEqualTo("empty");
	}

	private void compare(String header, List<String> differences) {
		String ours = outcome(this.converter, header);
		String theirs = outcome(this.spring, header);
		if (header != null && header.length() > MAX + 7 && theirs.startsWith("token")) {
			theirs = "error invalid_token: The access token is too large";
		}
		if (!ours.equals(theirs)) {
			differences.add("[" + header + "] ours=" + ours + " spring=" + theirs);
		}
	}

	private static String outcome(
			org.springframework.security.web.server.authentication.ServerAuthenticationConverter converter,
			String header) {
		MockServerHttpRequest.BaseBuilder<?> request = MockServerHttpRequest.get("/orders");
		if (header != null) {
			request.header(HttpHeaders.AUTHORIZATION, header);
		}
		try {
			Authentication authentication = Mono.defer(() -> converter.convert(MockServerWebExchange.from(request)))
				.block();
			return (authentication == null) ? "empty"
					: "token " + ((BearerTokenAuthenticationToken) authentication).getToken();
		}
		catch (OAuth2AuthenticationException ex) {
			return "error " + ex.getError().getErrorCode() + ": " + ex.getError().getDescription();
		}
	}

}
