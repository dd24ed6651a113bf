package io.ftgo.edge.stubs.identity;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static io.ftgo.edge.stubs.identity.IdentityTestSupport.json;
import static io.ftgo.edge.stubs.identity.IdentityTestSupport.tokenRequest;
import static io.ftgo.edge.stubs.identity.IdentityTestSupport.verify;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The dev identity provider over real HTTP, verified as a resource server would. */
class DevIdentityProviderTests {

	private DevIdentityProvider identity;

	@BeforeEach
	void start() {
		this.identity = DevIdentityProvider.startOnRandomPort();
	}

	@AfterEach
	void stop() {
		this.identity.close();
	}

	@Test
	void passwordGrant_alice_tokenVerifiesAgainstJwksWithConsumerClaims() throws Exception {
		HttpResponse<String> response = tokenRequest(this.identity,
				"grant_type=password&username=alice&password=password", null, null);

		assertThat(response.statusCode()).isEqualTo(200);
		Map<String, Object> body = json(response.body());
		assertThat(body).containsEntry("token_type", "Bearer");
		JWTClaimsSet claims = verify(this.identity, (String) body.get("access_token"));
		assertThat(claims.getSubject()).isEqualTo("1001");
		assertThat(claims.getLongClaim("consumer_id")).isEqualTo(1001L);
		assertThat(claims.getStringClaim("scope")).isEqualTo("web mobile");
		assertThat(json(response.body())).containsEntry("scope", "web mobile");
		assertThat(claims.getIssuer()).isEqualTo(this.identity.issuer()).startsWith("http://localhost:");
		assertThat(claims.getAudience()).containsExactly("ftgo-edge");
		assertThat(claims.getStringClaim("preferred_username")).isEqualTo("alice");
	}

	@Test
	void passwordGrant_inProcess_tokenVerifiesToo() throws Exception {
		String token = this.identity.passwordGrant("bob", "password");

		assertThat(verify(this.identity, token).getSubject()).isEqualTo("1002");
	}

	@Test
	void clientCredentials_partnerAjantaInForm_tokenCarriesPartnerClaims() throws Exception {
		HttpResponse<String> response = tokenRequest(this.identity,
				"grant_type=client_credentials&client_id=partner-ajanta&client_secret=ajanta-secret", null, null);

		assertThat(response.statusCode()).isEqualTo(200);
		JWTClaimsSet claims = verify(this.identity, (String) json(response.body()).get("access_token"));
		assertThat(claims.getSubject()).isEqualTo("partner-ajanta");
		assertThat(claims.getStringClaim("client_id")).isEqualTo("partner-ajanta");
		assertThat(claims.getStringClaim("tier")).isEqualTo("standard");
		assertThat(claims.getListClaim("restaurant_ids")).containsExactly(501L);
		assertThat(claims.getStringClaim("scope")).isEqualTo("partner");
	}

	@Test
	void clientCredentials_partnerEggshopWithHttpBasic_tokenCarriesPremiumTier() throws Exception {
		HttpResponse<String> response = tokenRequest(this.identity, "grant_type=client_credentials", "partner-eggshop",
				"eggshop-secret");

		assertThat(response.statusCode()).isEqualTo(200);
		JWTClaimsSet claims = verify(this.identity, (String) json(response.body()).get("access_token"));
		assertThat(claims.getSubject()).isEqualTo("partner-eggshop");
		assertThat(claims.getStringClaim("tier")).isEqualTo("premium");
		assertThat(claims.getListClaim("restaurant_ids")).containsExactly(502L);
	}

	@Test
	void clientCredentials_partnerAjantaWithHttpBasic_succeeds() throws Exception {
		HttpResponse<String> response = tokenRequest(this.identity, "grant_type=client_credentials", "partner-ajanta",
				"ajanta-secret");

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(verify(this.identity, (String) json(response.body()).get("access_token")).getSubject())
			.isEqualTo("partner-ajanta");
	}

	@Test
	void passwordGrant_wrongPassword_answers400InvalidGrant() throws Exception {
		HttpResponse<String> response = tokenRequest(this.identity, "grant_type=password&username=alice&password=wrong",
				null, null);

		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(json(response.body())).containsEntry("error", "invalid_grant");
	}

	@Test
	void clientCredentials_wrongSecret_answers401InvalidClient() throws Exception {
		HttpResponse<String> response = tokenRequest(this.identity, "grant_type=client_credentials", "partner-ajanta",
				"nope");

		assertThat(response.statusCode()).isEqualTo(401);
		assertThat(json(response.body())).containsEntry("error", "invalid_client");
		assertThat(response.headers().firstValue("WWW-Authenticate"))
			.hasValueSatisfying((value) -> assertThat(value).startsWith("Basic"));
	}

	@Test
	void token_unknownGrantType_answers400() throws Exception {
		HttpResponse<String> unknown = tokenRequest(this.identity, "grant_type=implicit&code=x", null, null);
		HttpResponse<String> missing = tokenRequest(this.identity, "username=alice", null, null);

		assertThat(unknown.statusCode()).isEqualTo(400);
		assertThat(json(unknown.body())).containsEntry("error", "unsupported_grant_type");
		assertThat(missing.statusCode()).isEqualTo(400);
		assertThat(json(missing.body())).containsEntry("error", "invalid_request");
	}

	@Test
	void discovery_namesIssuerJwksAndTokenEndpoint() throws Exception {
		HttpResponse<String> response = IdentityTestSupport
			.get(java.net.URI.create(this.identity.baseUrl() + "/.well-known/openid-configuration"));

		Map<String, Object> body = json(response.body());
		assertThat(body).containsEntry("issuer", this.identity.issuer())
			.containsEntry("jwks_uri", this.identity.jwksUri().toString())
			.containsEntry("token_endpoint", this.identity.tokenUri().toString());
	}

	@Test
	void rotateKeys_oldTokenStillVerifiesNewTokensUseNewKidUntilRetired() throws Exception {
		String before = this.identity.passwordGrant("alice", "password");
		String oldKid = SignedJWT.parse(before).getHeader().getKeyID();

		String newKid = this.identity.rotateKeys().getKeyID();
		String after = this.identity.passwordGrant("alice", "password");

		assertThat(newKid).isNotEqualTo(oldKid);
		assertThat(SignedJWT.parse(after).getHeader().getKeyID()).isEqualTo(newKid);
		assertThat(publishedKids()).containsExactlyInAnyOrder(oldKid, newKid);
		assertThat(verify(this.identity, before).getSubject()).isEqualTo("1001");
		assertThat(verify(this.identity, after).getSubject()).isEqualTo("1001");

		this.identity.retirePreviousKeys();

		assertThat(publishedKids()).containsExactly(newKid);
		assertThat(verify(this.identity, after).getSubject()).isEqualTo("1001");
		assertThatThrownBy(() -> verify(this.identity, before)).hasMessageContaining("key");
	}

	@Test
	void jwks_publishesPublicRsaKeysOnly() throws Exception {
		JWKSet keys = JWKSet.parse(IdentityTestSupport.get(this.identity.jwksUri()).body());

		assertThat(keys.getKeys()).isNotEmpty().allSatisfy((key) -> {
			assertThat(key.isPrivate()).isFalse();
			assertThat(key.getKeyID()).isNotBlank();
			assertThat(key.getAlgorithm().getName()).isEqualTo("RS256");
		});
	}

	private List<String> publishedKids() throws Exception {
		return JWKSet.parse(IdentityTestSupport.get(this.identity.jwksUri()).body())
			.getKeys()
			.stream()
			.map(JWK::getKeyID)
			.toList();
	}

}
