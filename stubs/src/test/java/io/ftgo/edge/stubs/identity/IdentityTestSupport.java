package io.ftgo.edge.stubs.identity;

import java.net.MalformedURLException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.Base64;
import java.util.Map;
import java.util.Set;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;

/**
 * Verifies tokens the way a resource server does: keys from the JWKS URI, RS256 only,
 * issuer and audience checked.
 */
final class IdentityTestSupport {

	private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

	private IdentityTestSupport() {
	}

	/** A processor that fetches keys from the JWKS URI on every call (no cache). */
	static DefaultJWTProcessor<SecurityContext> processor(DevIdentityProvider identity) {
		JWKSource<SecurityContext> keys;
		try {
			keys = JWKSourceBuilder.<SecurityContext>create(identity.jwksUri().toURL())
				.refreshAheadCache(false)
				.cache(false)
				.outageTolerant(false)
				.rateLimited(false)
				.retrying(false)
				.build();
		}
		catch (MalformedURLException ex) {
			throw new IllegalStateException(ex);
		}
		DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
		processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.RS256, keys));
		processor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(identity.audience(),
				new JWTClaimsSet.Builder().issuer(identity.issuer()).build(), Set.of("sub", "iat", "exp", "jti")));
		return processor;
	}

	static JWTClaimsSet verify(DevIdentityProvider identity, String token) throws Exception {
		return processor(identity).process(token, null);
	}

	static HttpResponse<String> tokenRequest(DevIdentityProvider identity, String form, String basicUser,
			String basicPassword) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(identity.tokenUri())
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString(form));
		if (basicUser != null) {
			request.header("Authorization", "Basic " + Base64.getEncoder()
				.encodeToString((basicUser + ":" + basicPassword).getBytes(StandardCharsets.UTF_8)));
		}
		return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	static HttpResponse<String> get(URI uri) throws Exception {
		return CLIENT.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
	}

	static Map<String, Object> json(String body) throws ParseException {
		return JSONObjectUtils.parse(body);
	}

}
