package dev.iothub.operator.hub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iothub.api.v1alpha1.IoTHub;
import dev.iothub.api.v1alpha1.IoTHubStatus;
import dev.iothub.api.v1alpha1.RegistryStatus;
import dev.iothub.operator.registry.ShardLimits;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The broker Deployment lists one password fragment per registry shard: at the most shards the
 * registry grows to, the object (and the ReplicaSet and Pods copied from it) stays far below the
 * API server's limits.
 */
class BrokerDeploymentSizeTest {
  @Test
  void theDeploymentAtTheMostShardsStaysUnderTheObjectLimit() {
    IoTHub hub = TestHubs.hub("westus2");
    hub.setStatus(new IoTHubStatus());
    hub.getStatus().setRegistry(new RegistryStatus());
    hub.getStatus().getRegistry().setShards(ShardLimits.MAX_SHARDS);

    Deployment d = BrokerResources.deployment(hub, TestHubs.region("westus2"), 2);

    long sources =
        d.getSpec().getTemplate().getSpec().getVolumes().stream()
            .filter(v -> v.getProjected() != null)
            .map(Volume::getProjected)
            .mapToLong(p -> p.getSources().size())
            .sum();
    assertThat(sources).isEqualTo(ShardLimits.MAX_SHARDS + 1);
    int bytes = new KubernetesSerialization().asJson(d).getBytes(StandardCharsets.UTF_8).length;
    System.out.printf("broker Deployment at %d shards: %d bytes%n", ShardLimits.MAX_SHARDS, bytes);
    // etcd keeps objects up to 1.5 MiB; a Pod with its status stays well within that.
    assertThat(bytes).isLessThan(1024 * 1024);
  }
}
