package io.ftgo.edge.stubs.identity;

import java.nio.charset.StandardCharsets;
import java.security.interfaces.RSAPublicKey;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

/**
 * Mints JWTs for tests: valid ones like the {@link DevIdentityProvider} issues, and
 * hostile ones (expired, not yet valid, wrong issuer or audience, {@code alg: none},
 * signed by a foreign key, unknown {@code kid}, HS256 keyed with the public key,
 * oversized), so that security tests need no hand-rolled JWT code. <pre>{@code
 * String ok = identity.minter().forConsumer(1001, "web").sign();
 * String bad = identity.minter().forConsumer(1001, "web").expired().sign();
 * }</pre>
 */
public final class TokenMinter {

	private final String issuer;

	private final String audience;

	private final RSAKey signingKey;

	private final Clock clock;

	private final Duration lifetime;

	/**
	 * A minter for the given issuer and audience that signs with {@code signingKey}.
	 * @param lifetime default lifetime of a token
	 */
	public TokenMinter(String issuer, String audience, RSAKey signingKey, Clock clock, Duration lifetime) {
		this.issuer = issuer;
		this.audience = audience;
		this.signingKey = signingKey;
		this.clock = clock;
		this.lifetime = lifetime;
	}

	/** A fresh 2048-bit RSA signing key with the given {@code kid}. */
	public static RSAKey newRsaKey(String kid) {
		try {
			return new RSAKeyGenerator(2048).keyID(kid)
				.keyUse(KeyUse.SIGNATURE)
				.algorithm(JWSAlgorithm.RS256)
				.generate();
		}
		catch (JOSEException ex) {
			throw new IllegalStateException("RSA key generation failed", ex);
		}
	}

	/** A fresh P-256 signing key with the given {@code kid} (for ES256). */
	public static ECKey newEcKey(String kid) {
		try {
			return new ECKeyGenerator(Curve.P_256).keyID(kid)
				.keyUse(KeyUse.SIGNATURE)
				.algorithm(JWSAlgorithm.ES256)
				.generate();
		}
		catch (JOSEException ex) {
			throw new IllegalStateException("EC key generation failed", ex);
		}
	}

	/**
	 * Every way a token can be bad that an edge must reject with 401, by name: expired,
	 * not yet valid, wrong issuer, wrong audience, {@code alg: none}, signed by a foreign
	 * key, unknown {@code kid}, HS256 keyed with the public key, and missing {@code exp},
	 * {@code sub} or {@code aud}. Each turns a valid token into that bad one, so security
	 * tests can run the whole list instead of writing it again.
	 */
	public static Map<String, UnaryOperator<Token>> hostileVariants() {
		Map<String, UnaryOperator<Token>> variants = new LinkedHashMap<>();
		variants.put("expired", Token::expired);
		variants.put("not yet valid", Token::notYetValid);
		variants.put("wrong issuer", Token::wrongIssuer);
		variants.put("wrong audience", Token::wrongAudience);
		variants.put("alg none", Token::algNone);
		variants.put("foreign key", Token::foreignKey);
		variants.put("unknown kid", Token::unknownKid);
		variants.put("HS256 keyed with the public key", Token::hs256WithPublicKey);
		variants.put("no exp", (token) -> token.without("exp"));
		variants.put("no sub", (token) -> token.without("sub"));
		variants.put("no aud", (token) -> token.without("aud"));
		return variants;
	}

	/**
	 * A token with this minter's issuer, audience and key; subject and claims still to
	 * set.
	 */
	public Token token() {
		return new Token();
	}

	/** A consumer's token: subject and {@code consumer_id} are the consumer id. */
	public Token forConsumer(long consumerId, String... scopes) {
		return token().subject(Long.toString(consumerId)).claim("consumer_id", consumerId).scope(scopes);
	}

	/** A partner client's token: subject and {@code client_id} are the client id. */
	public Token forPartner(String clientId, String tier, List<Long> restaurantIds) {
		return token().subject(clientId)
			.claim("client_id", clientId)
			.claim("tier", tier)
			.claim("restaurant_ids", restaurantIds)
			.scope("partner");
	}

	/** One token being built; every setter returns this. */
	public final class Token {

		private final Map<String, Object> claims = new LinkedHashMap<>();

		private final Map<String, Object> headerParams = new LinkedHashMap<>();

		private JWK key = TokenMinter.this.signingKey;

		private String kid = TokenMinter.this.signingKey.getKeyID();

		private JWSAlgorithm alg;

		private boolean unsigned;

		private byte[] hmacSecret;

		private Token() {
			Instant now = TokenMinter.this.clock.instant();
			this.claims.put("iss", TokenMinter.this.issuer);
			this.claims.put("aud", List.of(TokenMinter.this.audience));
			this.claims.put("iat", now);
			this.claims.put("nbf", now);
			this.claims.put("exp", now.plus(TokenMinter.this.lifetime));
			this.claims.put("jti", UUID.randomUUID().toString());
		}

		public Token subject(String subject) {
			return claim("sub", subject);
		}

		public Token issuer(String issuer) {
			return claim("iss", issuer);
		}

		public Token audience(String... audience) {
			return claim("aud", List.of(audience));
		}

		/** Space-separated {@code scope} claim; no scopes removes the claim. */
		public Token scope(String... scopes) {
			return (scopes.length == 0) ? without("scope") : claim("scope", String.join(" ", scopes));
		}

		public Token issuedAt(Instant instant) {
			return claim("iat", instant);
		}

		public Token notBefore(Instant instant) {
			return claim("nbf", instant);
		}

		public Token expiresAt(Instant instant) {
			return claim("exp", instant);
		}

		/** Any claim; an {@link Instant} becomes a NumericDate. */
		public Token claim(String name, Object value) {
			this.claims.put(name, value);
			return this;
		}

		/** Removes a claim (e.g. {@code exp}, {@code iss}). */
		public Token without(String name) {
			this.claims.remove(name);
			return this;
		}

		/** Any JOSE header parameter (e.g. {@code jku}, {@code crit}, {@code x5u}). */
		public Token header(String name, Object value) {
			this.headerParams.put(name, value);
			return this;
		}

		public Token kid(String kid) {
			this.kid = kid;
			return this;
		}

		/**
		 * Signs with another key (RSA → RS256, EC → ES256), keeping its own {@code kid}.
		 */
		public Token signedWith(JWK key) {
			this.key = key;
			this.kid = key.getKeyID();
			return this;
		}

		/** Expired an hour ago (issued two hours ago). */
		public Token expired() {
			Instant now = TokenMinter.this.clock.instant();
			return issuedAt(now.minus(Duration.ofHours(2))).notBefore(now.minus(Duration.ofHours(2)))
				.expiresAt(now.minus(Duration.ofHours(1)));
		}

		/** Valid only from an hour from now. */
		public Token notYetValid() {
			Instant now = TokenMinter.this.clock.instant();
			return notBefore(now.plus(Duration.ofHours(1))).expiresAt(now.plus(Duration.ofHours(2)));
		}

		public Token wrongIssuer() {
			return issuer("https://evil.example/issuer");
		}

		public Token wrongAudience() {
			return audience("some-other-api");
		}

		/** {@code alg: none}, no signature. */
		public Token algNone() {
			this.unsigned = true;
			return this;
		}

		/**
		 * Signed by a key the identity provider never published, but with the real
		 * {@code kid}.
		 */
		public Token foreignKey() {
			this.key = newRsaKey(TokenMinter.this.signingKey.getKeyID());
			return this;
		}

		/** Signed by a fresh key whose {@code kid} no key set knows. */
		public Token unknownKid() {
			return signedWith(newRsaKey("unknown-" + UUID.randomUUID()));
		}

		/**
		 * The algorithm-confusion attack: HS256 keyed with the PEM text of the real
		 * public key.
		 */
		public Token hs256WithPublicKey() {
			try {
				RSAPublicKey publicKey = TokenMinter.this.signingKey.toRSAPublicKey();
				String pem = "-----BEGIN PUBLIC KEY-----\n"
						+ Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
							.encodeToString(publicKey.getEncoded())
						+ "\n-----END PUBLIC KEY-----\n";
				this.hmacSecret = pem.getBytes(StandardCharsets.US_ASCII);
				this.alg = JWSAlgorithm.HS256;
				return this;
			}
			catch (JOSEException ex) {
				throw new IllegalStateException(ex);
			}
		}

		/**
		 * Pads the token with a claim of {@code bytes} characters (oversized-token
		 * tests).
		 */
		public Token padded(int bytes) {
			return claim("padding", "x".repeat(bytes));
		}

		/** The compact serialization. */
		public String sign() {
			JWTClaimsSet claimsSet = claimsSet();
			if (this.unsigned) {
				String header = Base64URL.encode("{\"alg\":\"none\",\"typ\":\"JWT\"}").toString();
				return header + "." + Base64URL.encode(claimsSet.toString()) + ".";
			}
			try {
				JWSAlgorithm algorithm = (this.alg != null) ? this.alg
						: (this.key instanceof ECKey) ? JWSAlgorithm.ES256 : JWSAlgorithm.RS256;
				JWSHeader.Builder header = new JWSHeader.Builder(algorithm).type(JOSEObjectType.JWT);
				if (this.kid != null) {
					header.keyID(this.kid);
				}
				this.headerParams.forEach(header::customParam);
				SignedJWT jwt = new SignedJWT(header.build(), claimsSet);
				jwt.sign(signer());
				return jwt.serialize();
			}
			catch (JOSEException ex) {
				throw new IllegalStateException("signing failed: " + ex.getMessage(), ex);
			}
		}

		/** The claims as the token will carry them (for assertions). */
		public Map<String, Object> claims() {
			try {
				return JSONObjectUtils.parse(claimsSet().toString());
			}
			catch (ParseException ex) {
				throw new IllegalStateException(ex);
			}
		}

		private JWSSigner signer() throws JOSEException {
			if (this.hmacSecret != null) {
				return new MACSigner(this.hmacSecret);
			}
			if (this.key instanceof ECKey ecKey) {
				return new ECDSASigner(ecKey);
			}
			return new RSASSASigner((RSAKey) this.key);
		}

		private JWTClaimsSet claimsSet() {
			JWTClaimsSet.Builder builder = new JWTClaimsSet.Builder();
			this.claims.forEach((name, value) -> builder.claim(name,
					(value instanceof Instant instant) ? Date.from(instant) : value));
			return builder.build();
		}

	}

}
