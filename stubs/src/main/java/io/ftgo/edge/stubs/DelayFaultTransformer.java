package io.ftgo.edge.stubs;

import java.util.Comparator;
import java.util.List;
import java.util.function.Supplier;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;

/**
 * Serves a delay fault: the fault stub matched, so answer what the best matching
 * non-fault stub would have answered, with the fault's delay (WireMock then delays it
 * asynchronously).
 */
final class DelayFaultTransformer implements ResponseDefinitionTransformerV2 {

	static final String NAME = "ftgo-delay-fault";

	static final String DELAY_PARAMETER = "delayMillis";

	private static final Comparator<StubMapping> WIREMOCK_ORDER = Comparator
		.comparingInt((StubMapping stub) -> (stub.getPriority() != null) ? stub.getPriority() : 5)
		.thenComparing(Comparator.comparingLong(StubMapping::getInsertionIndex).reversed());

	private final Supplier<List<StubMapping>> stubs;

	DelayFaultTransformer(Supplier<List<StubMapping>> stubs) {
		this.stubs = stubs;
	}

	@Override
	public String getName() {
		return NAME;
	}

	@Override
	public boolean applyGlobally() {
		return false;
	}

	@Override
	public ResponseDefinition transform(ServeEvent serveEvent) {
		int delay = ((Number) serveEvent.getTransformerParameters().get(DELAY_PARAMETER)).intValue();
		ResponseDefinition normal = this.stubs.get()
			.stream()
			.filter((stub) -> !FtgoProviders.isFault(stub))
			.filter((stub) -> stub.getRequest().match(serveEvent.getRequest()).isExactMatch())
			.min(WIREMOCK_ORDER)
			.map(StubMapping::getResponse)
			.orElseGet(() -> ResponseDefinitionBuilder.responseDefinition().withStatus(404).build());
		return ResponseDefinitionBuilder.like(normal).withFixedDelay(delay).build();
	}

}
