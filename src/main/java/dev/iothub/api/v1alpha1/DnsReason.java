package dev.iothub.api.v1alpha1;

/** Reasons of an IoTHub's {@code DnsPublished} condition (present when spec.endpoint is set). */
public enum DnsReason {
  /** The DNSEndpoint aims at the serving region's load balancer, and ExternalDNS took it in. */
  Published,
  /** Another cluster serves the hub and publishes the name; this one has no DNSEndpoint. */
  PublishedByAnotherCluster,
  /** The DNSEndpoint is written, but ExternalDNS has not reported this version of it yet. */
  AwaitingExternalDns,
  /** The serving region's broker Service has no load balancer address yet. */
  LoadBalancerPending,
  /** This cluster has no DNSEndpoint resource: ExternalDNS's CRD is not installed. */
  DnsEndpointCrdMissing,
  /** The API server refused the operator's write of the DNSEndpoint (403): its Role lacks it. */
  DnsEndpointRefused,
  /** A DNSEndpoint of the hub's name exists that the operator did not make: it is left alone. */
  NameConflict
}
