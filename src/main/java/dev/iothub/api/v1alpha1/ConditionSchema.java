package dev.iothub.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import java.util.ArrayList;

/**
 * The schema of the statuses' {@code conditions}: Kubernetes' condition fields, each string
 * bounded. The classes keep fabric8's {@code Condition}; this only shapes the CRD ({@code
 * SchemaFrom}), with the bounds that the operator's writes keep (messages are cut to {@link
 * IoTHub#MAX_MESSAGE_LENGTH}).
 */
public class ConditionSchema {
  /** A list of conditions, for {@code @SchemaFrom} on a {@code List<Condition>} field. */
  public static class List extends ArrayList<ConditionSchema> {}

  @Size(max = 316)
  @JsonPropertyDescription("The condition's type, CamelCase.")
  public String type;

  @Size(max = 16)
  @JsonPropertyDescription("True, False or Unknown.")
  public String status;

  @JsonPropertyDescription("The metadata.generation the condition was set for.")
  public Long observedGeneration;

  @Size(max = IoTHub.MAX_TIME_LENGTH)
  @JsonPropertyDescription("When the status last changed (RFC 3339).")
  public String lastTransitionTime;

  @Size(max = IoTHub.MAX_REASON_LENGTH)
  @JsonPropertyDescription("Why, CamelCase.")
  public String reason;

  @Size(max = IoTHub.MAX_MESSAGE_LENGTH)
  @JsonPropertyDescription("What happened and what to do, in a sentence.")
  public String message;
}
