package io.ftgo.edge.composition.grpc;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The replicas of a {@code transport: grpc} provider and the outlier ejection that takes
 * a failing one out of the channel's round robin (gateway-core's
 * {@code edge.load-balancing}, translated for gRPC; the composition engine has no
 * settings of its own for it). The channel then runs grpc-java's
 * {@code outlier_detection_experimental} policy (gRFC A50) over {@code round_robin}:
 * every {@code interval}, a replica that answered at least {@code requestVolume} calls in
 * the last interval, more than {@code failurePercentage}% of them with a status other
 * than {@code OK}, is ejected for {@code baseEjectionTime} x the times it was ejected (at
 * most {@code maxEjectionTime}); at least two replicas must have had that volume, so a
 * lone replica is never ejected.
 *
 * @param addresses a static list of replicas (resolved at start-up), or empty to resolve
 * {@code target}
 * @param target the channel target when {@code addresses} is empty (e.g.
 * {@code dns:///order.internal:9087}, every address of the name)
 * @param interval how often replicas are judged
 * @param baseEjectionTime ejection time, multiplied by the times ejected
 * @param maxEjectionTime upper bound of one ejection
 * @param maxEjectionPercent grpc-java's {@code maxEjectionPercentage}: no replica is
 * ejected once this share of them is ejected
 * @param requestVolume calls a replica must have answered in one interval to be judged
 * @param failurePercentage a replica failing more than this share of its calls is ejected
 */
public record GrpcBalancing(List<InetSocketAddress> addresses, String target, Duration interval,
		Duration baseEjectionTime, Duration maxEjectionTime, int maxEjectionPercent, int requestVolume,
		int failurePercentage) {

	/** The name of grpc-java's outlier detection policy (in grpc-util). */
	public static final String POLICY = "outlier_detection_experimental";

	public GrpcBalancing {
		addresses = (addresses != null) ? List.copyOf(addresses) : List.of();
	}

	/**
	 * The channel's default service config: outlier detection over round robin.
	 * @return the config, JSON-like (numbers as {@code Double}), as
	 * {@code ManagedChannelBuilder#defaultServiceConfig} takes it
	 */
	public Map<String, ?> serviceConfig() {
		Map<String, Object> failurePercentageEjection = new LinkedHashMap<>();
		failurePercentageEjection.put("threshold", (double) this.failurePercentage);
		failurePercentageEjection.put("enforcementPercentage", 100.0);
		failurePercentageEjection.put("minimumHosts", 2.0);
		failurePercentageEjection.put("requestVolume", (double) this.requestVolume);
		Map<String, Object> outlier = new LinkedHashMap<>();
		outlier.put("interval", duration(this.interval));
		outlier.put("baseEjectionTime", duration(this.baseEjectionTime));
		outlier.put("maxEjectionTime", duration(this.maxEjectionTime));
		outlier.put("maxEjectionPercentage", (double) this.maxEjectionPercent);
		outlier.put("failurePercentageEjection", failurePercentageEjection);
		outlier.put("childPolicy", List.of(Map.of("round_robin", Map.of())));
		return Map.of("loadBalancingConfig", List.of(Map.of(POLICY, outlier)));
	}

	/** A protobuf JSON duration: {@code 1.500000000s}. */
	static String duration(Duration duration) {
		return duration.getSeconds() + "." + String.format("%09d", duration.getNano()) + "s";
	}

}
