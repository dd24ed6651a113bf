package io.ftgo.edge.security.apikey;

import org.springframework.security.core.AuthenticationException;

/** An API key that is unknown, malformed or sent together with a bearer token. */
public class ApiKeyAuthenticationException extends AuthenticationException {

	public ApiKeyAuthenticationException(String message) {
		super(message);
	}

	@Override
	public synchronized Throwable fillInStackTrace() {
		return this;
	}

}
