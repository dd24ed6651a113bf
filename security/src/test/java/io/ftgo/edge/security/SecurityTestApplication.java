package io.ftgo.edge.security;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import reactor.core.publisher.Mono;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.http.HttpHeaders;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * A minimal app behind the edge security chain; its handlers count how often they run.
 */
@SpringBootApplication
public class SecurityTestApplication {

	static final AtomicInteger handled = new AtomicInteger();

	@RestController
	static class EchoController {

		private final IdentityPropagation propagation;

		EchoController(IdentityPropagation propagation) {
			this.propagation = propagation;
		}

		@GetMapping({ "/api/web/echo", "/api/partner/echo", "/api/any/echo" })
		Mono<Map<String, Object>> echo(@RequestHeader HttpHeaders inbound) {
			handled.incrementAndGet();
			return ReactiveSecurityContextHolder.getContext().map((context) -> {
				EdgePrincipal principal = EdgePrincipal.from(context.getAuthentication());
				HttpHeaders outbound = new HttpHeaders();
				outbound.addAll(inbound);
				this.propagation.apply(context.getAuthentication(), outbound);
				Map<String, Object> body = new LinkedHashMap<>();
				body.put("id", principal.id());
				body.put("identityScope", principal.identityScope());
				body.put("tier", principal.tier());
				body.put("scopes", principal.scopes());
				body.put("attributes", principal.attributes());
				body.put("outboundHeaders", outbound.toSingleValueMap());
				return body;
			});
		}

		@GetMapping("/public/ping")
		Mono<String> ping() {
			handled.incrementAndGet();
			return Mono.just("pong");
		}

	}

}
