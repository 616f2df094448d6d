package dev.iothub.api.v1alpha1;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.List;
import java.util.Map;

/** API objects with every property set to a sample value, nested objects and lists included. */
public final class Samples {
  private Samples() {}

  public static <T> T filled(Class<T> type) {
    try {
      T object = type.getConstructor().newInstance();
      for (Method setter : type.getMethods()) {
        if (setter.getName().startsWith("set")
            && setter.getParameterCount() == 1
            && setter.getDeclaringClass() == type) {
          setter.invoke(object, sample(setter.getGenericParameterTypes()[0]));
        }
      }
      return object;
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot fill " + type.getName(), e);
    }
  }

  private static Object sample(Type type) {
    if (type instanceof ParameterizedType p) {
      Class<?> raw = (Class<?>) p.getRawType();
      Type[] args = p.getActualTypeArguments();
      if (List.class.isAssignableFrom(raw)) {
        return new java.util.ArrayList<>(List.of(sample(args[0])));
      }
      if (Map.class.isAssignableFrom(raw)) {
        return new java.util.LinkedHashMap<>(Map.of("key", sample(args[1])));
      }
      throw new IllegalArgumentException("no sample of " + type);
    }
    Class<?> c = (Class<?>) type;
    if (c == String.class) {
      return "sample";
    }
    if (c == Long.class || c == long.class) {
      return 1L;
    }
    if (c == Integer.class || c == int.class) {
      return 1;
    }
    if (c == Boolean.class || c == boolean.class) {
      return true;
    }
    if (c.isEnum()) {
      return c.getEnumConstants()[0];
    }
    if (c == Condition.class) {
      return new ConditionBuilder()
          .withType("Ready")
          .withStatus("True")
          .withReason("Sample")
          .withMessage("sample")
          .withObservedGeneration(1L)
          .withLastTransitionTime("2026-01-01T00:00:00Z")
          .build();
    }
    if (c.getPackageName().equals(Samples.class.getPackageName())) {
      return filled(c);
    }
    throw new IllegalArgumentException("no sample of " + type);
  }
}
