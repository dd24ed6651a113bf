package io.ftgo.edge.gateway.ratelimit;

import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.ftgo.edge.gateway.ratelimit.RateLimitHttp.Answer;
import io.ftgo.edge.gateway.ratelimit.RateLimitHttp.Request;
import io.ftgo.edge.stubs.identity.DevIdentityProvider;

import static io.ftgo.edge.gateway.ratelimit.RateLimitTestApplication.ANONYMOUS_LIMIT;
import static org.assertj.core.api.Assertions.assertThat;

/** Anonymous callers behind a trusted proxy (the test client at 127.0.0.1 plays it). */
@SpringBootTest(classes = RateLimitTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = "edge.client-address.trusted-proxies[0]=127.0.0.1/32")
class RateLimitTrustedProxyIntegrationTests {

	static final DevIdentityProvider identity = DevIdentityProvider.startOnRandomPort();

	@LocalServerPort
	int port;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		RateLimitTestApplication.properties(identity).forEach((key, value) -> registry.add(key, () -> value));
	}

	@AfterAll
	static void stop() {
		identity.close();
	}

	@Test
	void anonymous_fromTrustedProxy_limitedPerForwardedClientAddress() {
		RateLimitHttp http = new RateLimitHttp(this.port);

		List<Answer> first = http.concurrently(2 * ANONYMOUS_LIMIT,
				(i) -> Request.get("/public/ping").header("X-Forwarded-For", "198.51.100.1"));
		Answer second = http.one(Request.get("/public/ping").header("X-Forwarded-For", "198.51.100.2"));
		Answer spoofedLeftOfProxy = http
			.one(Request.get("/public/ping").header("X-Forwarded-For", "10.9.9.9, 198.51.100.1"));

		assertThat(RateLimitHttp.count(first, 200)).isEqualTo(ANONYMOUS_LIMIT);
		assertThat(RateLimitHttp.count(first, 429)).isEqualTo(ANONYMOUS_LIMIT);
		assertThat(second.status()).isEqualTo(200);
		assertThat(RateLimitHttp.remaining(second)).isEqualTo(Integer.toString(ANONYMOUS_LIMIT - 1));
		assertThat(spoofedLeftOfProxy.status()).isEqualTo(429);
	}

}
