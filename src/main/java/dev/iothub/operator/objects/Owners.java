package dev.iothub.operator.objects;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;

/** Owner references: the object is deleted with its owner (same namespace only). */
public final class Owners {
  private Owners() {}

  /** A controller reference to {@code owner}. */
  public static OwnerReference controller(HasMetadata owner) {
    return controllerBuilder(owner).build();
  }

  /** The same, to adjust before building (blockOwnerDeletion). */
  public static OwnerReferenceBuilder controllerBuilder(HasMetadata owner) {
    return new OwnerReferenceBuilder()
        .withApiVersion(owner.getApiVersion())
        .withKind(owner.getKind())
        .withName(owner.getMetadata().getName())
        .withUid(owner.getMetadata().getUid())
        .withController(true);
  }
}
