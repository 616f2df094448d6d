package dev.iothub.operator.hub;

import dev.iothub.api.v1alpha1.DnsReason;
import dev.iothub.api.v1alpha1.EndpointSpec;
import dev.iothub.api.v1alpha1.IoTHub;
import dev.iothub.operator.objects.HubNames;
import dev.iothub.operator.objects.NameConflictException;
import dev.iothub.operator.objects.ObjectReads;
import dev.iothub.operator.objects.ObjectWriter;
import dev.iothub.operator.objects.Owners;
import dev.iothub.operator.objects.Ownership;
import dev.iothub.operator.region.Region;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.net.HttpURLConnection;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The hub's public host name (spec.endpoint.hostName) across clusters: an ExternalDNS {@code
 * DNSEndpoint} in the hub namespace of the cluster that serves, aimed at the load balancer of the
 * serving region's brokers. A cluster that stands by has none: with ExternalDNS's upsert-only
 * policy in both clusters, the record moves by the newly serving cluster's upsert and the other
 * never deletes it, even when that cluster is gone.
 */
public final class PublicEndpoint {
  /** The condition that reports it; present only for a hub with a public host name. */
  public static final String CONDITION = "DnsPublished";

  /** The DNSEndpoint resource of ExternalDNS, addressed without discovery. */
  public static final ResourceDefinitionContext DNS_ENDPOINT =
      new ResourceDefinitionContext.Builder()
          .withGroup("externaldns.k8s.io")
          .withVersion("v1alpha1")
          .withKind("DNSEndpoint")
          .withPlural("dnsendpoints")
          .withNamespaced(true)
          .build();

  /** What the condition says: {@code published} is its status. */
  public record Verdict(boolean published, DnsReason reason, String message) {}

  private final KubernetesClient client;
  private final ObjectReads reads;

  public PublicEndpoint(KubernetesClient client, ObjectReads reads) {
    this.client = client;
    this.reads = reads;
  }

  /**
   * Publishes the name for {@code serving} when this cluster serves it, withdraws it otherwise.
   * Returns null for a hub without a public host name. {@code before} is the condition as the hub's
   * status has it: withdrawing (a GET, and a DELETE of what is ours) is done only when this cluster
   * may have published.
   */
  public Verdict apply(IoTHub hub, Region serving, Condition before) {
    String host = hub.getSpec().publicHostName();
    if (host == null) {
      if (before != null) {
        withdraw(hub);
      }
      return null;
    }
    if (serving.inAnotherCluster()) {
      if (before == null
          || !DnsReason.PublishedByAnotherCluster.name().equals(before.getReason())) {
        withdraw(hub);
      }
      return new Verdict(
          true,
          DnsReason.PublishedByAnotherCluster,
          host
              + " is published by the cluster of "
              + serving.displayName()
              + ", which serves the hub; this cluster publishes it once it serves.");
    }
    Service service = reads.get(Service.class, serving.namespace(), HubNames.broker(hub));
    List<Map<String, Object>> records = records(host, service);
    String lb =
        "the load balancer of "
            + serving.displayName()
            + "'s brokers (Service "
            + serving.namespace()
            + "/"
            + HubNames.broker(hub)
            + ")";
    if (records.isEmpty()) {
      return new Verdict(
          false,
          DnsReason.LoadBalancerPending,
          "The name "
              + host
              + " is published once "
              + lb
              + " has an address; it has none yet. Without a load balancer controller in the"
              + " cluster, Services of type LoadBalancer never get one.");
    }
    String aimedAt = host + " points at " + describe(records) + ", " + lb;
    GenericKubernetesResource stored;
    try {
      stored = write(desired(hub, serving, records));
    } catch (NameConflictException e) {
      return new Verdict(
          false,
          DnsReason.NameConflict,
          e.getMessage()
              + " Nothing is published for "
              + host
              + " until it is renamed or deleted; the brokers serve as before.");
    } catch (KubernetesClientException e) {
      if (e.getCode() == HttpURLConnection.HTTP_NOT_FOUND) {
        return new Verdict(
            false,
            DnsReason.DnsEndpointCrdMissing,
            "This cluster has no DNSEndpoint resource (externaldns.k8s.io/v1alpha1): install"
                + " ExternalDNS with its CRD and --source=crd (docs/operations.md, \"One host name"
                + " across clusters\"), or point "
                + host
                + " at "
                + describe(records)
                + " yourself.");
      }
      if (e.getCode() == HttpURLConnection.HTTP_FORBIDDEN) {
        return new Verdict(
            false,
            DnsReason.DnsEndpointRefused,
            "The API server refused the operator's write of DNSEndpoint "
                + hub.getMetadata().getNamespace()
                + "/"
                + HubNames.endpoint(hub)
                + " (403): upgrade the chart, whose Role for the hub namespaces grants"
                + " externaldns.k8s.io dnsendpoints.");
      }
      throw e;
    }
    long generation = Objects.requireNonNullElse(stored.getMetadata().getGeneration(), 1L);
    long observed = observedGeneration(stored);
    if (observed < generation) {
      return new Verdict(
          false,
          DnsReason.AwaitingExternalDns,
          "DNSEndpoint "
              + hub.getMetadata().getNamespace()
              + "/"
              + HubNames.endpoint(hub)
              + " says "
              + aimedAt
              + ", but ExternalDNS has not taken in generation "
              + generation
              + " of it yet: check that ExternalDNS runs in this cluster with --source=crd.");
    }
    return new Verdict(true, DnsReason.Published, aimedAt + "; ExternalDNS took it in.");
  }

  /**
   * The records for the load balancer's addresses: A and AAAA for its IPs, else a CNAME for its
   * host name (a CNAME cannot stand beside other records). Empty while it has no address.
   */
  static List<Map<String, Object>> records(String host, Service service) {
    List<LoadBalancerIngress> ingress =
        service == null
                || service.getStatus() == null
                || service.getStatus().getLoadBalancer() == null
                || service.getStatus().getLoadBalancer().getIngress() == null
            ? List.of()
            : service.getStatus().getLoadBalancer().getIngress();
    List<String> v4 = new ArrayList<>();
    List<String> v6 = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (LoadBalancerIngress i : ingress) {
      if (i.getIp() != null && !i.getIp().isBlank()) {
        (i.getIp().contains(":") ? v6 : v4).add(i.getIp());
      } else if (i.getHostname() != null && !i.getHostname().isBlank()) {
        names.add(i.getHostname());
      }
    }
    List<Map<String, Object>> records = new ArrayList<>();
    if (!v4.isEmpty()) {
      records.add(record(host, "A", v4));
    }
    if (!v6.isEmpty()) {
      records.add(record(host, "AAAA", v6));
    }
    if (records.isEmpty() && !names.isEmpty()) {
      records.add(record(host, "CNAME", List.of(names.stream().sorted().findFirst().get())));
    }
    return records;
  }

  private static Map<String, Object> record(String host, String type, List<String> targets) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("dnsName", host);
    r.put("recordType", type);
    r.put("recordTTL", EndpointSpec.RECORD_TTL_SECONDS);
    r.put("targets", targets.stream().sorted().toList());
    return r;
  }

  @SuppressWarnings("unchecked")
  static String describe(List<Map<String, Object>> records) {
    List<String> parts = new ArrayList<>();
    for (Map<String, Object> r : records) {
      parts.add(
          String.join(", ", (List<String>) r.get("targets"))
              + " ("
              + r.get("recordType")
              + ", TTL "
              + r.get("recordTTL")
              + " s)");
    }
    return String.join(" and ", parts);
  }

  static GenericKubernetesResource desired(
      IoTHub hub, Region serving, List<Map<String, Object>> records) {
    GenericKubernetesResource desired =
        new GenericKubernetesResourceBuilder()
            .withApiVersion(DNS_ENDPOINT.getGroup() + "/" + DNS_ENDPOINT.getVersion())
            .withKind(DNS_ENDPOINT.getKind())
            .withNewMetadata()
            .withName(HubNames.endpoint(hub))
            .withNamespace(hub.getMetadata().getNamespace())
            .withLabels(HubNames.ownerLabels(hub))
            .addToLabels(HubNames.COMPONENT, "dns")
            .addToLabels(HubNames.REGION, serving.id())
            .withOwnerReferences(
                Owners.controllerBuilder(hub).withBlockOwnerDeletion(false).build())
            .endMetadata()
            .build();
    desired.setAdditionalProperty("spec", Map.of("endpoints", records));
    desired
        .getMetadata()
        .setAnnotations(
            new LinkedHashMap<>(
                Map.of(
                    ObjectWriter.SPEC_HASH,
                    ObjectWriter.hash(List.of(desired.getMetadata().getLabels(), records)))));
    return desired;
  }

  /** Creates or updates the DNSEndpoint when it differs; returns it as stored. */
  private GenericKubernetesResource write(GenericKubernetesResource desired) {
    Resource<GenericKubernetesResource> resource =
        dnsEndpoint(desired.getMetadata().getNamespace(), desired.getMetadata().getName());
    GenericKubernetesResource current = resource.get();
    if (current == null) {
      return endpoints(desired).create();
    }
    Ownership.requireOurs(current, desired);
    Map<String, String> annotations = current.getMetadata().getAnnotations();
    String hash = desired.getMetadata().getAnnotations().get(ObjectWriter.SPEC_HASH);
    if (annotations != null && hash.equals(annotations.get(ObjectWriter.SPEC_HASH))) {
      return current;
    }
    desired.getMetadata().setResourceVersion(current.getMetadata().getResourceVersion());
    return endpoints(desired).update();
  }

  private Resource<GenericKubernetesResource> endpoints(GenericKubernetesResource desired) {
    return client
        .genericKubernetesResources(DNS_ENDPOINT)
        .inNamespace(desired.getMetadata().getNamespace())
        .resource(desired);
  }

  private void withdraw(IoTHub hub) {
    Resource<GenericKubernetesResource> resource =
        dnsEndpoint(hub.getMetadata().getNamespace(), HubNames.endpoint(hub));
    GenericKubernetesResource current;
    try {
      current = resource.get();
    } catch (KubernetesClientException e) {
      if (e.getCode() == HttpURLConnection.HTTP_NOT_FOUND
          || e.getCode() == HttpURLConnection.HTTP_FORBIDDEN) {
        return; // no such resource, or never allowed to write one: nothing of ours to withdraw
      }
      throw e;
    }
    if (current != null
        && Ownership.isOurs(
            current,
            hub.getMetadata().getUid(),
            hub.getMetadata().getName(),
            hub.getMetadata().getNamespace())) {
      resource.delete();
    }
  }

  private Resource<GenericKubernetesResource> dnsEndpoint(String namespace, String name) {
    return client.genericKubernetesResources(DNS_ENDPOINT).inNamespace(namespace).withName(name);
  }

  @SuppressWarnings("unchecked")
  private static long observedGeneration(GenericKubernetesResource stored) {
    Object status = stored.getAdditionalProperties().get("status");
    if (status instanceof Map<?, ?> m && m.get("observedGeneration") instanceof Number n) {
      return n.longValue();
    }
    return 0;
  }
}
