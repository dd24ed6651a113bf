package io.ftgo.edge.bench;

import java.util.Arrays;

import io.netty.handler.codec.http.HttpHeaderNames;
import reactor.netty.DisposableServer;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.ConnectionProvider;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * Two baselines for the proxy benchmark, same JVM flags as the gateway under test:
 * <ul>
 * <li>default: Spring Cloud Gateway alone (routes from the command line, no security,
 * actuator, metrics or edge filters): what the edge adds on top of it;</li>
 * <li>{@code --raw=<port> --upstream=<url>}: a bare Reactor Netty proxy (no Spring):
 * the ceiling of the runtime the gateway is built on.</li>
 * </ul>
 */
@SpringBootApplication
public class Baseline {

	public static void main(String[] args) {
		String raw = option(args, "--raw=");
		if (raw == null) {
			SpringApplication.run(Baseline.class, args);
			return;
		}
		HttpClient client = HttpClient.create(ConnectionProvider.builder("upstream").maxConnections(256).build())
			.baseUrl(option(args, "--upstream="));
		DisposableServer server = HttpServer.create()
			.host("127.0.0.1")
			.port(Integer.parseInt(raw))
			.handle((request, response) -> client
				.headers((headers) -> headers.set(request.requestHeaders()).remove(HttpHeaderNames.HOST))
				.request(request.method())
				.uri(request.uri())
				.send((upstreamRequest, out) -> out.send(request.receive().retain()))
				.response((upstreamResponse, body) -> response.status(upstreamResponse.status())
					.headers(upstreamResponse.responseHeaders().copy().remove(HttpHeaderNames.CONNECTION))
					.send(body.retain()))
				.then())
			.bindNow();
		System.out.println("raw proxy on " + server.port());
		server.onDispose().block();
	}

	private static String option(String[] args, String prefix) {
		return Arrays.stream(args).filter((a) -> a.startsWith(prefix)).map((a) -> a.substring(prefix.length()))
			.findFirst().orElse(null);
	}

}
