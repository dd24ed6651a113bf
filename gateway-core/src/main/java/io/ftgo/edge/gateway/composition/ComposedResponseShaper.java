package io.ftgo.edge.gateway.composition;

import tools.jackson.databind.node.ObjectNode;

import org.springframework.web.reactive.function.server.ServerRequest;

import io.ftgo.edge.composition.CompositionResult;

/**
 * Reshapes the merged document of one composed endpoint before it is written: the
 * response shapes a BFF owns (filtering, paging, renaming, money formats) when
 * projections are not enough. Declare one as a bean. The entity tag and the per-part
 * metadata ({@code edge.endpoints.<name>.metadata}) apply to the shaped document. Shapers
 * must not block and must not modify {@code result.body()} in place.
 */
public interface ComposedResponseShaper {

	/**
	 * The composition this shaper applies to.
	 * @return the composition name
	 */
	String composition();

	/**
	 * Shapes the answer.
	 * @param request the client's request (e.g. for query parameters)
	 * @param result what the composition produced
	 * @return the document to answer with
	 */
	ObjectNode shape(ServerRequest request, CompositionResult result);

}
