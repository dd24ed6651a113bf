package io.ftgo.edge.gateway.support;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import org.springframework.http.HttpHeaders;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

import io.ftgo.edge.gateway.filter.TraceContext;
import io.ftgo.edge.security.EdgePrincipal;
import io.ftgo.edge.security.IdentityPropagation;
import io.ftgo.edge.security.config.EdgeSecurityProperties;

import static org.assertj.core.api.Assertions.assertThat;

class ProviderHeadersTests {

	static final IdentityPropagation PROPAGATION = new IdentityPropagation(
			new EdgeSecurityProperties.Propagation(true, Map.of("X-Consumer-Id", "consumerId")), "X-Api-Key");

	static JwtAuthenticationToken token(long consumerId) {
		Jwt jwt = Jwt.withTokenValue("t0k3n")
			.header("alg", "none")
			.subject("1001")
			.claim("consumer_id", consumerId)
			.issuedAt(Instant.EPOCH)
			.expiresAt(Instant.EPOCH.plusSeconds(60))
			.build();
		return new JwtAuthenticationToken(jwt, List.of(new SimpleGrantedAuthority("SCOPE_web")));
	}

	@Test
	void principal_resolvedOnce_laterReadersGetTheCachedOne() {
		MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/x"));
		JwtAuthenticationToken authentication = token(1001);

		EdgePrincipal first = PrincipalResolver.principal(exchange, authentication);

		assertThat(first.attributes()).containsEntry(EdgePrincipal.CONSUMER_ID, 1001L);
		assertThat(PrincipalResolver.principal(exchange, authentication)).isSameAs(first);
		assertThat(PrincipalResolver.resolve(exchange).block()).isSameAs(first);
		assertThat((EdgePrincipal) exchange.getAttribute(EdgeAttributes.PRINCIPAL_ATTR)).isSameAs(first);
	}

	@Test
	void proxiedAndComposedCalls_sameHeaders_fromTheCachedPrincipal_withTraceparent() {
		MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/x"));
		TraceContext trace = TraceContext.continueOrStart(null);
		exchange.getAttributes().put(TraceContext.TRACE_CONTEXT_ATTR, trace);
		// A principal already resolved for this request wins over rebuilding it from the
		// token: the headers are built from the exchange's cached principal.
		exchange.getAttributes()
			.put(EdgeAttributes.PRINCIPAL_ATTR, new EdgePrincipal(EdgePrincipal.Kind.JWT, "1001", Set.of("web"),
					Map.of(EdgePrincipal.CONSUMER_ID, 4242L)));
		ProviderHeaders builder = new ProviderHeaders(PROPAGATION);
		HttpHeaders proxied = new HttpHeaders();
		proxied.set("X-Consumer-Id", "forged");
		proxied.set("X-Api-Key", "secret");
		proxied.set("Accept", "application/json");

		builder.write(exchange, token(1001), proxied);
		Map<String, String> composed = builder.forComposedCall(exchange, token(1001));

		assertThat(proxied.getFirst("X-Consumer-Id")).isEqualTo("4242");
		assertThat(proxied.containsHeader("X-Api-Key")).isFalse();
		assertThat(proxied.getFirst(HttpHeaders.AUTHORIZATION)).isEqualTo("Bearer t0k3n");
		assertThat(proxied.getFirst("traceparent")).isEqualTo(trace.traceparent());
		assertThat(composed).containsEntry("X-Consumer-Id", "4242")
			.containsEntry(HttpHeaders.AUTHORIZATION, "Bearer t0k3n")
			.containsEntry("traceparent", trace.traceparent())
			.doesNotContainKey("Accept");
	}

	@Test
	void withoutSecurity_managedHeadersNone_onlyTraceparent() {
		MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/x"));
		assertThat(new ProviderHeaders(null).forComposedCall(exchange, null)).isEmpty();
	}

}
