package io.ftgo.edge.stubs;

import java.util.concurrent.CountDownLatch;

import io.ftgo.edge.stubs.identity.DevIdentityProvider;

/**
 * Runs the FTGO stub providers and the dev identity provider on their fixed ports until
 * interrupted (Ctrl-C).
 */
public final class StubServer {

	private StubServer() {
	}

	public static void main(String[] args) throws InterruptedException {
		DevIdentityProvider identity = DevIdentityProvider.builder().start();
		Runtime.getRuntime().addShutdownHook(new Thread(identity::close, "stub-server-shutdown"));
		System.out.println("dev identity provider: " + identity.issuer());
		new CountDownLatch(1).await();
	}

}
