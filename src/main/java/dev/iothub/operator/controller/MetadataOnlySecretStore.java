package dev.iothub.operator.controller;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;

/**
 * An informer store that keeps registry shards without their data: the hub controller needs only
 * their annotations (record count, checksum), and a hub of 100,000 devices would otherwise keep
 * megabytes of credential hashes in the operator's memory. One instance per informer: an informer's
 * list keeps only its own keys in its store, so a store shared by the informers of two namespaces
 * loses one namespace's Secrets (see HubCaches).
 */
final class MetadataOnlySecretStore extends BasicItemStore<Secret> {
  MetadataOnlySecretStore() {
    super(Cache::metaNamespaceKeyFunc);
  }

  @Override
  public Secret put(String key, Secret secret) {
    return super.put(key, strip(secret));
  }

  static Secret strip(Secret secret) {
    return new SecretBuilder()
        .withMetadata(secret.getMetadata())
        .withType(secret.getType())
        .build();
  }
}
