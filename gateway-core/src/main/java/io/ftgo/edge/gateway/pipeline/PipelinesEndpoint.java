package io.ftgo.edge.gateway.pipeline;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;

/**
 * {@code /actuator/pipelines}: for each route and composed endpoint, the links of its
 * edge pipeline in order, with their settings; {@code /actuator/pipelines/{name}} for
 * one. Served on the management port only.
 */
@Endpoint(id = "pipelines")
public class PipelinesEndpoint {

	private final EdgePipelines pipelines;

	public PipelinesEndpoint(EdgePipelines pipelines) {
		this.pipelines = pipelines;
	}

	@ReadOperation
	public Map<String, PipelineDescription> pipelines() {
		Map<String, PipelineDescription> described = new LinkedHashMap<>();
		this.pipelines.pipelines().forEach((name, pipeline) -> described.put(name, describe(pipeline)));
		return described;
	}

	@ReadOperation
	public PipelineDescription pipeline(@Selector String name) {
		EdgePipeline pipeline = this.pipelines.pipelines().get(name);
		return (pipeline != null) ? describe(pipeline) : null;
	}

	private static PipelineDescription describe(EdgePipeline pipeline) {
		return new PipelineDescription(pipeline.kind(), pipeline.method(), pipeline.paths(),
				pipeline.links()
					.stream()
					.map((link) -> new LinkDescription(link.name(),
							(link.type() != EdgeLinkType.ROUTE) ? link.type().order() : null, link.settings()))
					.toList());
	}

	/**
	 * One pipeline.
	 *
	 * @param kind {@code route}, {@code composition}, {@code transcoded},
	 * {@code endpoint} or {@code default}
	 * @param method the route's method (null when it has none)
	 * @param paths the route's path patterns (none for the default pipeline)
	 * @param links the links in order, the route last
	 */
	public record PipelineDescription(String kind, String method, List<String> paths, List<LinkDescription> links) {
	}

	/**
	 * One link.
	 *
	 * @param name the link's name
	 * @param order its order (none for the route, which is last)
	 * @param settings its settings as they apply to the route
	 */
	public record LinkDescription(String name, Integer order, Map<String, Object> settings) {
	}

}
