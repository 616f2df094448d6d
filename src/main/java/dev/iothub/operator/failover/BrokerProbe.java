package dev.iothub.operator.failover;

import dev.iothub.api.v1alpha1.IoTHub;
import dev.iothub.operator.broker.MqttProbe;
import dev.iothub.operator.region.Region;

/**
 * Checks a region's brokers with a real MQTT round trip before the hub's endpoint is switched to
 * them. Returns null when probing is turned off (the embedded API server has no brokers to reach).
 */
@FunctionalInterface
public interface BrokerProbe {
  MqttProbe.Result probe(IoTHub hub, Region region);

  static BrokerProbe disabled() {
    return (hub, region) -> null;
  }
}
