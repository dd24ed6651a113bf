package io.ftgo.edge.stubs;

import java.net.http.HttpResponse;
import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each mapping root runs alone in plain WireMock, as {@code java -jar
 * wiremock-standalone.jar --root-dir stubs/src/main/resources/wiremock/order} would.
 */
class StubMappingsPortabilityTests {

	private static final Map<Provider, String> KNOWN = Map.of(Provider.ORDER, "/orders/7001", Provider.KITCHEN,
			"/tickets/7001", Provider.DELIVERY, "/deliveries/7001", Provider.ACCOUNTING, "/bills/7001",
			Provider.CONSUMER, "/consumers/1001", Provider.RESTAURANT, "/restaurants/501");

	@Test
	void mappingRoot_everyProvider_servesInPlainWireMockLikeFtgoProviders() {
		for (Provider provider : Provider.values()) {
			WireMockServer plain = new WireMockServer(WireMockConfiguration.options()
				.dynamicPort()
				.bindAddress("127.0.0.1")
				.usingFilesUnderDirectory("src/main/resources/wiremock/" + provider.id()));
			plain.start();
			try {
				String base = "http://127.0.0.1:" + plain.port();

				HttpResponse<String> known = Http.get(base + KNOWN.get(provider));
				HttpResponse<String> unknown = Http.get(base + "/unknown/9999");

				assertThat(plain.getStubMappings()).as(provider.id())
					.hasSameSizeAs(new ClasspathMappings(provider).stubs());
				assertThat(known.statusCode()).as(provider.id()).isEqualTo(200);
				assertThat(Http.contentType(known)).isEqualTo("application/json");
				assertThat(unknown.statusCode()).isEqualTo(404);
				assertThat(unknown.body()).isEmpty();
			}
			finally {
				plain.stop();
			}
		}
	}

}
