package io.ftgo.edge.gateway.ratelimit;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import reactor.core.publisher.Mono;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.TestComponent;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import io.ftgo.edge.security.apikey.ApiKeyAuthenticationManager;
import io.ftgo.edge.stubs.identity.DevIdentityProvider;

/**
 * A minimal app behind the edge chain (security + rate limit) for the rate-limit tests;
 * its handler counts how often it runs. Referenced explicitly by the tests
 * ({@code @SpringBootTest(classes = ...)}). It scans nothing (its controller is
 * imported), and {@code @TestComponent} keeps it and its controller out of any other test
 * app's component scan (Boot's {@code TestTypeExcludeFilter}), e.g. one in a parent
 * package.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import(RateLimitTestApplication.PingController.class)
@TestComponent
public class RateLimitTestApplication {

	static final AtomicInteger handled = new AtomicInteger();

	static final String AJANTA_KEY = "demo-ajanta-key";

	/** Limits of the test tiers (long windows: a test never straddles two). */
	static final int DEFAULT_LIMIT = 20;

	static final int ANONYMOUS_LIMIT = 4;

	static final int STANDARD_LIMIT = 7;

	static final int PREMIUM_LIMIT = 9;

	/** The settings every rate-limit test app shares. */
	static Map<String, Object> properties(DevIdentityProvider identity) {
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put("edge.security.jwt.issuer-uri", identity.issuer());
		properties.put("edge.security.jwt.audiences[0]", identity.audience());
		// A busy machine can take more than the default 2s for the first key-set fetch;
		// a failed one is not retried within the 30s refresh floor (every token 401).
		properties.put("edge.security.jwt.jwks-timeout", "15s");
		properties.put("edge.security.api-keys.keys[0].client-id", "partner-ajanta");
		properties.put("edge.security.api-keys.keys[0].hash", ApiKeyAuthenticationManager.hash(AJANTA_KEY));
		properties.put("edge.security.api-keys.keys[0].tier", "standard");
		properties.put("edge.security.api-keys.keys[0].scopes[0]", "partner");
		properties.put("edge.security.api-keys.keys[0].restaurant-ids[0]", "501");
		properties.put("edge.security.rules[0].path", "/api/user/**");
		properties.put("edge.security.rules[0].scopes[0]", "web");
		properties.put("edge.security.rules[1].path", "/api/partner/**");
		properties.put("edge.security.rules[1].scopes[0]", "partner");
		properties.put("edge.security.rules[2].path", "/public/**");
		properties.put("edge.security.rules[2].permit-all", "true");
		properties.put("edge.security.rules[3].path", "/actuator/**");
		properties.put("edge.security.rules[3].permit-all", "true");
		properties.put("edge.rate-limit.tiers.default.limit", DEFAULT_LIMIT);
		properties.put("edge.rate-limit.tiers.default.window", "1h");
		properties.put("edge.rate-limit.tiers.anonymous.limit", ANONYMOUS_LIMIT);
		properties.put("edge.rate-limit.tiers.anonymous.window", "1h");
		properties.put("edge.rate-limit.tiers.standard.limit", STANDARD_LIMIT);
		properties.put("edge.rate-limit.tiers.standard.window", "1h");
		properties.put("edge.rate-limit.tiers.premium.limit", PREMIUM_LIMIT);
		properties.put("edge.rate-limit.tiers.premium.window", "1h");
		properties.put("management.endpoints.web.exposure.include", "health");
		// Tests share 127.0.0.1; failed authentications of one test must not block
		// another.
		properties.put("edge.rate-limit.tiers.auth-failures.limit", "100000");
		return properties;
	}

	@RestController
	static class PingController {

		@GetMapping({ "/api/user/ping", "/api/partner/ping", "/public/ping" })
		Mono<String> ping() {
			handled.incrementAndGet();
			return Mono.just("pong");
		}

	}

}
