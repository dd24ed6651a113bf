package io.ftgo.edge.helm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;

/**
 * What {@code helm template} rendered, parsed into typed fabric8 Kubernetes objects. A
 * kind (or API version) this class does not know fails the parse: a new kind needs tests.
 */
final class Manifests {

	private static final YAMLMapper YAML = (YAMLMapper) new YAMLMapper()
		.disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

	private static final YAMLMapper STRICT_YAML = new YAMLMapper();

	private static final Map<String, Class<? extends HasMetadata>> KINDS = Map.ofEntries(
			Map.entry("v1/ConfigMap", ConfigMap.class), Map.entry("v1/Secret", Secret.class),
			Map.entry("v1/Service", Service.class), Map.entry("v1/ServiceAccount", ServiceAccount.class),
			Map.entry("v1/Pod", Pod.class), Map.entry("apps/v1/Deployment", Deployment.class),
			Map.entry("apps/v1/StatefulSet", StatefulSet.class),
			Map.entry("autoscaling/v2/HorizontalPodAutoscaler", HorizontalPodAutoscaler.class),
			Map.entry("policy/v1/PodDisruptionBudget", PodDisruptionBudget.class),
			Map.entry("networking.k8s.io/v1/NetworkPolicy", NetworkPolicy.class),
			Map.entry("networking.k8s.io/v1/Ingress", Ingress.class),
			Map.entry("monitoring.coreos.com/v1/PrometheusRule", GenericKubernetesResource.class));

	private final List<HasMetadata> objects;

	private Manifests(List<HasMetadata> objects) {
		this.objects = objects;
	}

	static Manifests parse(String rendered) {
		List<HasMetadata> objects = new ArrayList<>();
		try (MappingIterator<JsonNode> documents = STRICT_YAML.readerFor(JsonNode.class).readValues(rendered)) {
			while (documents.hasNext()) {
				JsonNode document = documents.next();
				if (document == null || document.isNull() || document.isMissingNode() || document.isEmpty()) {
					continue;
				}
				String type = document.path("apiVersion").asText() + "/" + document.path("kind").asText();
				Class<? extends HasMetadata> kind = KINDS.get(type);
				if (kind == null) {
					throw new IllegalStateException("Unexpected kind rendered (add it and its tests): " + type);
				}
				objects.add(STRICT_YAML.treeToValue(document, kind));
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return new Manifests(objects);
	}

	Manifests filter(Predicate<HasMetadata> predicate) {
		return new Manifests(this.objects.stream().filter(predicate).toList());
	}

	List<HasMetadata> all() {
		return this.objects;
	}

	<T extends HasMetadata> List<T> all(Class<T> kind) {
		return this.objects.stream().filter(kind::isInstance).map(kind::cast).toList();
	}

	<T extends HasMetadata> Optional<T> find(Class<T> kind, String name) {
		return all(kind).stream().filter((object) -> object.getMetadata().getName().equals(name)).findFirst();
	}

	<T extends HasMetadata> T get(Class<T> kind, String name) {
		return find(kind, name).orElseThrow(() -> new AssertionError(
				"no " + kind.getSimpleName() + " named " + name + "; rendered: " + names(kind)));
	}

	<T extends HasMetadata> List<String> names(Class<T> kind) {
		return all(kind).stream().map((object) -> object.getMetadata().getName()).toList();
	}

	/**
	 * Every pod spec the chart creates (Deployments, StatefulSets, test Pods), by owner.
	 */
	Map<String, PodSpec> podSpecs() {
		Map<String, PodSpec> specs = new LinkedHashMap<>();
		all(Deployment.class)
			.forEach((d) -> specs.put("Deployment/" + d.getMetadata().getName(), podSpec(d.getSpec().getTemplate())));
		all(StatefulSet.class)
			.forEach((s) -> specs.put("StatefulSet/" + s.getMetadata().getName(), podSpec(s.getSpec().getTemplate())));
		all(Pod.class).forEach((p) -> specs.put("Pod/" + p.getMetadata().getName(), p.getSpec()));
		return specs;
	}

	/**
	 * The Spring application.yaml a BFF's ConfigMap mounts as /config/application.yaml.
	 */
	JsonNode applicationYaml(String bff) {
		String yaml = get(ConfigMap.class, name(bff)).getData().get("application.yaml");
		try {
			return YAML.readTree(yaml);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * The object name of a BFF's Deployment, Service, ConfigMap... e.g.
	 * ftgo-edge-bff-web.
	 */
	static String name(String bff) {
		return HelmChart.RELEASE + "-bff-" + bff;
	}

	static Container container(Deployment deployment) {
		List<Container> containers = deployment.getSpec().getTemplate().getSpec().getContainers();
		if (containers.size() != 1) {
			throw new AssertionError("expected one container in " + deployment.getMetadata().getName());
		}
		return containers.get(0);
	}

	/** A probe or Service port as a number: named ports resolve against the container. */
	static int resolvePort(Container container, IntOrString port) {
		if (port.getIntVal() != null) {
			return port.getIntVal();
		}
		return container.getPorts()
			.stream()
			.filter((candidate) -> port.getStrVal().equals(candidate.getName()))
			.map(ContainerPort::getContainerPort)
			.findFirst()
			.orElseThrow(() -> new AssertionError("no container port named " + port.getStrVal()));
	}

	private static PodSpec podSpec(PodTemplateSpec template) {
		return template.getSpec();
	}

}
