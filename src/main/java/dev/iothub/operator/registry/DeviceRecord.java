package dev.iothub.operator.registry;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.iothub.operator.broker.DeviceCredential;
import java.util.Objects;

/**
 * One device identity in a hub's registry. Only a salted hash of the device's key is kept here; the
 * key itself stays in a Secret of the hub namespace.
 *
 * @param credentialHash salted hash of the device key (mosquitto's {@code $7$} format), or null for
 *     a device without credentials yet
 * @param updatedAt RFC 3339 time of the last change
 */
// The broker pod reads the password lines out of these JSON lines with awk
// (PasswordFile.LINES_FROM_SHARD): the order of the fields is part of the format.
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"id", "enabled", "credentialHash", "updatedAt"})
public record DeviceRecord(String id, boolean enabled, String credentialHash, String updatedAt)
    implements DeviceCredential {
  public DeviceRecord {
    Objects.requireNonNull(id, "id");
  }
}
