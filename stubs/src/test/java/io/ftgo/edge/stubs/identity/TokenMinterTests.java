package io.ftgo.edge.stubs.identity;

import java.nio.charset.StandardCharsets;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Each hostile variant is what it says (decoded header and claims), and a resource server
 * verifying against the JWKS rejects it while it accepts the valid token.
 */
class TokenMinterTests {

	private static DevIdentityProvider identity;

	private static TokenMinter minter;

	@BeforeAll
	static void start() {
		identity = DevIdentityProvider.startOnRandomPort();
		minter = identity.minter();
	}

	@AfterAll
	static void stop() {
		identity.close();
	}

	@Test
	void forConsumer_valid_isRs256WithKidAndVerifies() throws Exception {
		String token = minter.forConsumer(1001, "web", "mobile").sign();

		SignedJWT jwt = SignedJWT.parse(token);
		assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.RS256);
		assertThat(jwt.getHeader().getKeyID()).isEqualTo(identity.signingKey().getKeyID());
		assertThat(jwt.getJWTClaimsSet().getStringClaim("scope")).isEqualTo("web mobile");
		assertThat(IdentityTestSupport.verify(identity, token).getSubject()).isEqualTo("1001");
	}

	@Test
	void forPartner_valid_carriesPartnerClaims() throws Exception {
		String token = minter.forPartner("partner-ajanta", "standard", List.of(501L)).sign();

		var claims = IdentityTestSupport.verify(identity, token);
		assertThat(claims.getSubject()).isEqualTo("partner-ajanta");
		assertThat(claims.getStringClaim("client_id")).isEqualTo("partner-ajanta");
		assertThat(claims.getStringClaim("scope")).isEqualTo("partner");
		assertThat(claims.getListClaim("restaurant_ids")).containsExactly(501L);
	}

	@Test
	void algNone_isUnsignedWithAlgNoneHeader() throws Exception {
		String token = minter.forConsumer(1001, "web").algNone().sign();

		JWT jwt = JWTParser.parse(token);
		assertThat(jwt).isInstanceOf(PlainJWT.class);
		assertThat(new String(Base64.getUrlDecoder().decode(token.split("\\.")[0]), StandardCharsets.UTF_8))
			.contains("\"alg\":\"none\"");
		assertThat(token).endsWith(".");
		assertThat(jwt.getJWTClaimsSet().getSubject()).isEqualTo("1001");
		assertRejected(token);
	}

	@Test
	void hs256WithPublicKey_isHmacKeyedWithThePublicKeyPem() throws Exception {
		String token = minter.forConsumer(1001, "web").hs256WithPublicKey().sign();

		SignedJWT jwt = SignedJWT.parse(token);
		assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.HS256);
		RSAPublicKey publicKey = identity.signingKey().toRSAPublicKey();
		String pem = "-----BEGIN PUBLIC KEY-----\n"
				+ Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
					.encodeToString(publicKey.getEncoded())
				+ "\n-----END PUBLIC KEY-----\n";
		assertThat(jwt.verify(new MACVerifier(pem.getBytes(StandardCharsets.US_ASCII)))).isTrue();
		assertRejected(token);
	}

	@Test
	void unknownKid_hasAKidNoKeySetKnows() throws Exception {
		String token = minter.forConsumer(1001, "web").unknownKid().sign();

		String kid = SignedJWT.parse(token).getHeader().getKeyID();
		assertThat(kid).startsWith("unknown-");
		assertThat(identity.publicKeys().getKeyByKeyId(kid)).isNull();
		assertRejected(token);
	}

	@Test
	void foreignKey_hasTheRealKidButAnotherKeysSignature() throws Exception {
		String token = minter.forConsumer(1001, "web").foreignKey().sign();

		SignedJWT jwt = SignedJWT.parse(token);
		assertThat(jwt.getHeader().getKeyID()).isEqualTo(identity.signingKey().getKeyID());
		assertThat(jwt.verify(new RSASSAVerifier(identity.signingKey().toRSAPublicKey()))).isFalse();
		assertRejected(token);
	}

	@Test
	void expired_hasExpInThePast() throws Exception {
		String token = minter.forConsumer(1001, "web").expired().sign();

		assertThat(SignedJWT.parse(token).getJWTClaimsSet().getExpirationTime()).isBefore(new Date());
		assertRejected(token);
	}

	@Test
	void notYetValid_hasNbfInTheFuture() throws Exception {
		String token = minter.forConsumer(1001, "web").notYetValid().sign();

		assertThat(SignedJWT.parse(token).getJWTClaimsSet().getNotBeforeTime()).isAfter(new Date());
		assertRejected(token);
	}

	@Test
	void wrongIssuerAndWrongAudience_carryOtherValues() throws Exception {
		String wrongIssuer = minter.forConsumer(1001, "web").wrongIssuer().sign();
		String wrongAudience = minter.forConsumer(1001, "web").wrongAudience().sign();

		assertThat(SignedJWT.parse(wrongIssuer).getJWTClaimsSet().getIssuer()).isEqualTo("https://evil.example/issuer");
		assertThat(SignedJWT.parse(wrongAudience).getJWTClaimsSet().getAudience()).containsExactly("some-other-api");
		assertRejected(wrongIssuer);
		assertRejected(wrongAudience);
	}

	@Test
	void withoutExp_hasNoExpClaim() throws Exception {
		String token = minter.forConsumer(1001, "web").without("exp").sign();

		assertThat(SignedJWT.parse(token).getJWTClaimsSet().getExpirationTime()).isNull();
		assertRejected(token);
	}

	@Test
	void signedWithEcKey_isEs256() throws Exception {
		ECKey ecKey = TokenMinter.newEcKey("ec-1");

		String token = minter.forConsumer(1001, "web").signedWith(ecKey).sign();

		SignedJWT jwt = SignedJWT.parse(token);
		assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.ES256);
		assertThat(jwt.getHeader().getKeyID()).isEqualTo("ec-1");
		assertThat(jwt.verify(new ECDSAVerifier(ecKey.toECPublicKey()))).isTrue();
		assertRejected(token);
	}

	@Test
	void padded_growsTheTokenBeyondThePadding() {
		String token = minter.forConsumer(1001, "web").padded(16 * 1024).sign();

		assertThat(token.length()).isGreaterThan(16 * 1024);
	}

	@Test
	void headerAndClaims_customValuesAppearInTheToken() throws Exception {
		Instant issued = Instant.parse("2026-01-01T00:00:00Z");

		String token = minter.token()
			.subject("x")
			.issuedAt(issued)
			.header("x-ftgo-test", "hostile")
			.claim("role", "admin")
			.sign();

		SignedJWT jwt = SignedJWT.parse(token);
		assertThat(jwt.getHeader().getCustomParam("x-ftgo-test")).isEqualTo("hostile");
		assertThat(jwt.getJWTClaimsSet().getIssueTime()).isEqualTo(Date.from(issued));
		assertThat(jwt.getJWTClaimsSet().getStringClaim("role")).isEqualTo("admin");
		assertThat(Base64URL.from(token.split("\\.")[2]).decode()).isNotEmpty();
	}

	private static void assertRejected(String token) {
		assertThatThrownBy(() -> IdentityTestSupport.verify(identity, token)).isInstanceOfAny(BadJOSEException.class,
				JOSEException.class);
	}

}
