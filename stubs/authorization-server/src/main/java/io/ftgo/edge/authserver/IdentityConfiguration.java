package io.ftgo.edge.authserver;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

import org.springframework.boot.security.oauth2.server.authorization.autoconfigure.servlet.OAuth2AuthorizationServerProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.MediaType;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.authentication.dao.DaoAuthenticationProvider;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.oidc.endpoint.OidcParameterNames;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.util.matcher.MediaTypeRequestMatcher;

/**
 * The authorization server's security: the protocol endpoints (Spring Authorization
 * Server with OpenID Connect), the key administration API (HTTP Basic, its own user), the
 * login form; the users; the signing keys; the claims the edge reads.
 */
@Configuration(proxyBeanMethods = false)
class IdentityConfiguration {

	/** Claim: the FTGO consumer id of a user (a number). */
	static final String CONSUMER_ID = "consumer_id";

	@Bean
	@Order(1)
	SecurityFilterChain protocolEndpoints(HttpSecurity http) {
		http.oauth2AuthorizationServer((server) -> {
			http.securityMatcher(server.getEndpointsMatcher());
			server.oidc(Customizer.withDefaults());
		});
		http.authorizeHttpRequests((authorize) -> authorize.anyRequest().authenticated());
		http.oauth2ResourceServer((resourceServer) -> resourceServer.jwt(Customizer.withDefaults()));
		MediaTypeRequestMatcher html = new MediaTypeRequestMatcher(MediaType.TEXT_HTML);
		html.setIgnoredMediaTypes(Set.of(MediaType.ALL));
		http.exceptionHandling((exceptions) -> exceptions
			.defaultAuthenticationEntryPointFor(new LoginUrlAuthenticationEntryPoint("/login"), html));
		return http.build();
	}

	@Bean
	@Order(2)
	SecurityFilterChain keyAdministrationEndpoints(HttpSecurity http, IdentityProperties properties,
			PasswordEncoder passwords) {
		IdentityProperties.Admin admin = properties.admin();
		InMemoryUserDetailsManager admins = new InMemoryUserDetailsManager(
				User.withUsername(admin.username()).password(admin.password()).roles("KEY_ADMIN").build());
		DaoAuthenticationProvider provider = new DaoAuthenticationProvider(admins);
		provider.setPasswordEncoder(passwords);
		http.securityMatcher("/admin/**")
			.authenticationManager(new ProviderManager(provider))
			.authorizeHttpRequests((authorize) -> authorize.anyRequest().hasRole("KEY_ADMIN"))
			.httpBasic(Customizer.withDefaults())
			// A server-to-server API with HTTP Basic, no browser session: no CSRF token.
			.csrf((csrf) -> csrf.disable())
			.sessionManagement((sessions) -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS));
		return http.build();
	}

	@Bean
	@Order(3)
	SecurityFilterChain loginForm(HttpSecurity http) {
		// /error: where a refusal (401, 403) is rendered; without it every refusal
		// turned into a redirect to the login form.
		http.authorizeHttpRequests(
				(authorize) -> authorize.requestMatchers("/error").permitAll().anyRequest().authenticated())
			.formLogin(Customizer.withDefaults());
		return http.build();
	}

	@Bean
	PasswordEncoder passwordEncoder() {
		return PasswordEncoderFactories.createDelegatingPasswordEncoder();
	}

	@Bean
	UserDetailsService users(IdentityProperties properties) {
		InMemoryUserDetailsManager users = new InMemoryUserDetailsManager();
		properties.users()
			.forEach((name, user) -> users
				.createUser(User.withUsername(name).password(user.password()).roles("USER").build()));
		return users;
	}

	@Bean
	SigningKeys signingKeys(IdentityProperties properties, OAuth2AuthorizationServerProperties server) {
		validate(properties, server);
		return new SigningKeys(properties.keys().retireAfter(), Clock.systemUTC());
	}

	/**
	 * The claims the edge reads. Access tokens: {@code aud} the edge's audience (not the
	 * client id), {@code client_id} (RFC 9068), and {@code consumer_id} for users or
	 * {@code tier} and {@code restaurant_ids} for partners. ID tokens:
	 * {@code preferred_username} and {@code consumer_id} (the BFF's {@code /bff/user}).
	 * Every token names the signing key's {@code kid}.
	 */
	@Bean
	OAuth2TokenCustomizer<JwtEncodingContext> edgeClaims(SigningKeys keys, IdentityProperties properties) {
		return (context) -> {
			context.getJwsHeader().keyId(keys.signingKid());
			String clientId = context.getRegisteredClient().getClientId();
			String principal = context.getPrincipal().getName();
			IdentityProperties.User user = AuthorizationGrantType.CLIENT_CREDENTIALS
				.equals(context.getAuthorizationGrantType()) ? null : properties.users().get(principal);
			if (OAuth2TokenType.ACCESS_TOKEN.equals(context.getTokenType())) {
				context.getClaims().audience(java.util.List.of(properties.resourceAudience()));
				context.getClaims().claim("client_id", clientId);
				IdentityProperties.Partner partner = properties.partners().get(clientId);
				if (user == null && partner != null) {
					context.getClaims().claim("tier", partner.tier());
					context.getClaims().claim("restaurant_ids", partner.restaurantIds());
				}
			}
			if (user != null && (OAuth2TokenType.ACCESS_TOKEN.equals(context.getTokenType())
					|| OidcParameterNames.ID_TOKEN.equals(context.getTokenType().getValue()))) {
				context.getClaims().claim(CONSUMER_ID, user.consumerId());
				context.getClaims().claim("preferred_username", principal);
			}
		};
	}

	@Bean
	RequestJournal requestJournal() {
		return new RequestJournal();
	}

	/**
	 * Checks the settings the edge depends on; a bad one stops start-up naming its key.
	 */
	static void validate(IdentityProperties properties, OAuth2AuthorizationServerProperties server) {
		require(server.getIssuer() != null && server.getIssuer().matches("https?://[^/]+.*"),
				"spring.security.oauth2.authorizationserver.issuer", server.getIssuer(),
				"the issuer URL the edge is configured with (edge.security.jwt.issuer-uri), e.g. http://localhost:9000");
		require(properties.resourceAudience() != null && !properties.resourceAudience().isBlank(),
				"ftgo.identity.resource-audience", properties.resourceAudience(),
				"the audience the edge expects (edge.security.jwt.audiences), e.g. ftgo-edge");
		properties.users().forEach((name, user) -> {
			require(user.password() != null && user.password().startsWith("{"),
					"ftgo.identity.users." + name + ".password", "<redacted>",
					"an encoded password, e.g. {bcrypt}$2a$10$...");
			require(user.consumerId() != null && user.consumerId() > 0, "ftgo.identity.users." + name + ".consumer-id",
					user.consumerId(), "the user's FTGO consumer id");
		});
		Map<String, OAuth2AuthorizationServerProperties.Client> clients = server.getClient();
		Set<String> clientIds = new java.util.HashSet<>();
		Duration longest = Duration.ZERO;
		for (OAuth2AuthorizationServerProperties.Client client : clients.values()) {
			clientIds.add(client.getRegistration().getClientId());
			Duration ttl = client.getToken().getAccessTokenTimeToLive();
			longest = (ttl.compareTo(longest) > 0) ? ttl : longest;
		}
		properties.partners().forEach((clientId, partner) -> {
			require(clientIds.contains(clientId), "ftgo.identity.partners." + clientId, clientId,
					"the client id of a registered client (spring.security.oauth2.authorizationserver.client.*)");
			require(partner.tier() != null && !partner.tier().isBlank(), "ftgo.identity.partners." + clientId + ".tier",
					partner.tier(), "the partner's rate-limit tier, e.g. standard");
		});
		require(properties.keys().retireAfter().compareTo(longest) >= 0, "ftgo.identity.keys.retire-after",
				properties.keys().retireAfter(),
				"at least the longest access-token-time-to-live of a registered client (" + longest
						+ "), so that every token a replaced key signed verifies until it expires");
		require(properties.admin().password() != null && properties.admin().password().startsWith("{"),
				"ftgo.identity.admin.password", null, "an encoded password, e.g. {bcrypt}$2a$10$...");
	}

	private static void require(boolean condition, String key, Object value, String expected) {
		if (!condition) {
			throw new IllegalStateException(key + ": " + value + " (expected: " + expected + ")");
		}
	}

}
