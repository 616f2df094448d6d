package dev.iothub.testing;

import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.dialect.Dialects;
import com.networknt.schema.path.NodePath;
import com.networknt.schema.path.PathType;
import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationResult;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.navigation.CelNavigableAst;
import dev.cel.common.types.OptionalType;
import dev.cel.common.types.SimpleType;
import dev.cel.common.values.NullValue;
import dev.cel.extensions.CelExtensions;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.iothub.embedded.EmbeddedApiServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What the Kubernetes API server's admission does with a custom resource of one of the project's
 * committed CRDs, for tests (the mock API server enforces none of it).
 *
 * <p>As kube-apiserver does, in this order: on create the status is dropped (status subresource),
 * on update the status is kept from the old object; unknown fields are refused ({@link
 * FieldValidation#STRICT}, what {@code kubectl apply} asks for) or pruned ({@link
 * FieldValidation#WARN}, the default of API clients); the structural schema's {@code default}s are
 * applied; the object is validated against the version's {@code openAPIV3Schema} by
 * json-schema-validator (OpenAPI 3.0 dialect); then, unless that found a blocking error (type,
 * required, enum, too long, too many), every {@code x-kubernetes-validations} rule is evaluated by
 * cel-java at its place in the schema, with {@code self} bound to the value there and, for
 * transition rules on update, {@code oldSelf} to the correlated old value. Transition rules are
 * skipped on create and where no old value correlates (unless {@code optionalOldSelf}).
 *
 * <p>Messages read like the API server's ({@code spec.location: Required value}, {@code
 * spec.location: Invalid value: "string": <rule message>}). Every rule of the CRD is compiled when
 * it is loaded: a rule that cel-java cannot compile (a Kubernetes-only CEL library) fails loudly
 * instead of passing silently.
 *
 * <p>Not modelled: validation ratcheting of unchanged invalid fields (Kubernetes 1.30+), the CEL
 * cost budget, uniqueness of {@code x-kubernetes-list-type: set/map} items, {@code format}-typed
 * CEL values (timestamps, durations), metadata validation beyond the name.
 */
public final class CrdAdmission {

  /** How unknown fields are handled: refused (kubectl apply) or dropped with a warning. */
  public enum FieldValidation {
    STRICT,
    WARN
  }

  /** Where the build packages {@code crds/}: {@code META-INF/iothub/crds/<name>-v1.yml}. */
  public static final String CRD_DIRECTORY = "META-INF/iothub/crds/";

  /** Added when a blocking schema error kept the CEL rules from being evaluated. */
  public static final String RULES_NOT_CHECKED =
      "<nil>: Invalid value: \"null\": some validation rules were not checked because the object"
          + " was invalid; correct the existing errors to complete validation";

  private static final String DNS1123_SUBDOMAIN =
      "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";
  private static final String DNS1123_SUBDOMAIN_MESSAGE =
      "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or"
          + " '.', and must start and end with an alphanumeric character (e.g. 'example.com',"
          + " regex used for validation is"
          + " '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
  private static final Set<String> BLOCKING_KEYWORDS =
      Set.of("type", "required", "enum", "maxLength", "maxItems", "maxProperties");

  private static final CelOptions CEL_OPTIONS =
      CelOptions.current().enableOptionalSyntax(true).populateMacroCalls(true).build();
  private static final Cel CEL = cel(false);
  private static final Cel CEL_OPTIONAL_OLD_SELF = cel(true);

  private static final SchemaRegistry SCHEMAS =
      SchemaRegistry.withDefaultDialect(
          Dialects.getOpenApi30(),
          b ->
              b.schemaRegistryConfig(
                  SchemaRegistryConfig.builder()
                      .pathType(PathType.JSON_POINTER)
                      .formatAssertionsEnabled(true)
                      .build()));

  private final String crdName;
  private final String group;
  private final String kind;
  private final Map<String, Version> versions;
  private final FieldValidation fieldValidation;

  private record Version(
      String name,
      JsonNode schema,
      Schema validator,
      Schema strictValidator,
      boolean statusSubresource,
      Map<JsonNode, List<Rule>> rules) {}

  private record Rule(
      String rule,
      String message,
      String reason,
      String fieldPath,
      boolean optionalOldSelf,
      boolean transition,
      CelRuntime.Program program,
      CelRuntime.Program messageProgram) {}

  private CrdAdmission(
      String crdName,
      String group,
      String kind,
      Map<String, Version> versions,
      FieldValidation fieldValidation) {
    this.crdName = crdName;
    this.group = group;
    this.kind = kind;
    this.versions = versions;
    this.fieldValidation = fieldValidation;
  }

  // ---------------------------------------------------------------------------------- loading

  /** The committed CRD {@code name} ({@code iothubs.iothub.dev}) from the classpath. */
  public static CrdAdmission load(String name) {
    String resource = CRD_DIRECTORY + name + "-v1.yml";
    try (InputStream in = CrdAdmission.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(
            resource + " is not on the classpath: the build packages crds/ there");
      }
      return fromCrd(Yaml.YAML.readTree(in));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every CRD that the operator loads ({@link EmbeddedApiServer#CRD_RESOURCES}). */
  public static List<CrdAdmission> all() {
    List<CrdAdmission> all = new ArrayList<>();
    for (String resource : EmbeddedApiServer.CRD_RESOURCES) {
      String file = resource.substring(resource.lastIndexOf('/') + 1);
      all.add(load(file.substring(0, file.length() - "-v1.yml".length())));
    }
    return all;
  }

  /** The CRD that serves {@code apiVersion} and {@code kind}, if the project has one. */
  public static Optional<CrdAdmission> forKind(String apiVersion, String kind) {
    return all().stream().filter(a -> a.serves(apiVersion, kind)).findFirst();
  }

  static CrdAdmission fromCrd(JsonNode crd) {
    JsonNode spec = crd.required("spec");
    String name = crd.required("metadata").required("name").stringValue();
    Map<String, Version> versions = new LinkedHashMap<>();
    for (JsonNode v : spec.required("versions")) {
      if (!v.path("served").asBoolean(false)) {
        continue;
      }
      JsonNode schema = admissionSchema(v.required("schema").required("openAPIV3Schema"));
      Map<JsonNode, List<Rule>> rules = new IdentityHashMap<>();
      compileRules(schema, "", rules, false);
      versions.put(
          v.required("name").stringValue(),
          new Version(
              v.required("name").stringValue(),
              schema,
              SCHEMAS.getSchema(schema),
              SCHEMAS.getSchema(strict(schema.deepCopy())),
              v.path("subresources").has("status"),
              rules));
    }
    return new CrdAdmission(
        name,
        spec.required("group").stringValue(),
        spec.required("names").required("kind").stringValue(),
        versions,
        FieldValidation.STRICT);
  }

  public CrdAdmission withFieldValidation(FieldValidation validation) {
    return new CrdAdmission(crdName, group, kind, versions, validation);
  }

  public boolean serves(String apiVersion, String kind) {
    return this.kind.equals(kind)
        && apiVersion != null
        && apiVersion.startsWith(group + "/")
        && versions.containsKey(apiVersion.substring(group.length() + 1));
  }

  public String name() {
    return crdName;
  }

  // -------------------------------------------------------------------------------- admission

  /** The errors of a create (POST); empty when the API server would accept the object. */
  public List<String> create(Object object) {
    ObjectNode obj = Yaml.tree(object);
    Version version = version(obj);
    if (version.statusSubresource()) {
      obj.remove("status");
    }
    return admit(version, obj, null);
  }

  /** The errors of an update (PUT of the main resource) from {@code oldObject}. */
  public List<String> update(Object oldObject, Object newObject) {
    ObjectNode old = Yaml.tree(oldObject);
    ObjectNode obj = Yaml.tree(newObject);
    Version version = version(obj);
    if (version.statusSubresource()) {
      if (old.has("status")) {
        obj.set("status", old.get("status").deepCopy());
      } else {
        obj.remove("status");
      }
    }
    return admit(version, obj, storedForm(version, old));
  }

  /** The errors of an update of the status subresource: only the status of {@code newObject}. */
  public List<String> updateStatus(Object oldObject, Object newObject) {
    ObjectNode old = Yaml.tree(oldObject);
    ObjectNode submitted = Yaml.tree(newObject);
    Version version = version(submitted);
    if (!version.statusSubresource()) {
      throw new IllegalStateException(crdName + " has no status subresource");
    }
    ObjectNode obj = old.deepCopy();
    if (submitted.has("status")) {
      obj.set("status", submitted.get("status").deepCopy());
    } else {
      obj.remove("status");
    }
    return admit(version, obj, storedForm(version, old));
  }

  /** The object as it would be stored after a create: status dropped, pruned and defaulted. */
  public ObjectNode defaulted(Object object) {
    ObjectNode obj = Yaml.tree(object);
    Version version = version(obj);
    if (version.statusSubresource()) {
      obj.remove("status");
    }
    prune(version, obj);
    applyDefaults(obj, version.schema());
    return obj;
  }

  private ObjectNode storedForm(Version version, ObjectNode old) {
    // What the API server reads from storage: pruned and defaulted like any served object.
    prune(version, old);
    applyDefaults(old, version.schema());
    return old;
  }

  private Version version(ObjectNode obj) {
    String apiVersion = obj.path("apiVersion").asString("");
    String objectKind = obj.path("kind").asString("");
    if (!serves(apiVersion, objectKind)) {
      throw new IllegalArgumentException(
          crdName
              + " does not serve "
              + apiVersion
              + " "
              + objectKind
              + " ("
              + versions.keySet()
              + ")");
    }
    return versions.get(apiVersion.substring(group.length() + 1));
  }

  private List<String> admit(Version version, ObjectNode obj, ObjectNode old) {
    List<String> unknown = unknownFields(version, obj);
    if (!unknown.isEmpty()) {
      if (fieldValidation == FieldValidation.STRICT) {
        return unknown;
      }
      prune(version, obj);
    }
    if (!obj.path("metadata").has("name") && obj.path("metadata").has("generateName")) {
      ((ObjectNode) obj.get("metadata"))
          .put("name", obj.get("metadata").get("generateName").stringValue() + "x7k2q");
    }
    applyDefaults(obj, version.schema());

    List<String> errors = new ArrayList<>();
    boolean blocking = false;
    for (com.networknt.schema.Error e : version.validator().validate(obj)) {
      errors.add(describe(e, version.schema()));
      blocking |= BLOCKING_KEYWORDS.contains(e.getKeyword());
    }
    if (blocking) {
      errors.add(RULES_NOT_CHECKED);
    } else {
      evaluate(version, version.schema(), obj, old, "", errors);
    }
    return List.copyOf(new LinkedHashSet<>(errors));
  }

  // ------------------------------------------------------------------- schema: unknown fields

  /**
   * The CRD schema as the API server sees the object: the root also holds apiVersion, kind and
   * metadata (whose name must be a DNS-1123 subdomain, as for every custom resource).
   */
  private static JsonNode admissionSchema(JsonNode crdSchema) {
    ObjectNode schema = (ObjectNode) crdSchema.deepCopy();
    ObjectNode properties =
        schema.has("properties")
            ? (ObjectNode) schema.get("properties")
            : schema.putObject("properties");
    properties.putObject("apiVersion").put("type", "string");
    properties.putObject("kind").put("type", "string");
    ObjectNode metadata = properties.putObject("metadata");
    metadata.put("type", "object");
    metadata.put("x-kubernetes-preserve-unknown-fields", true);
    ObjectNode name = metadata.putObject("properties").putObject("name");
    name.put("type", "string");
    name.put("maxLength", 253);
    name.put("pattern", DNS1123_SUBDOMAIN);
    return schema;
  }

  /**
   * The same schema with {@code additionalProperties: false} on every object that Kubernetes prunes
   * (it has no additionalProperties and does not preserve unknown fields), so that the validator
   * reports exactly the fields the API server would drop or, strictly, refuse.
   */
  private static JsonNode strict(JsonNode schema) {
    if (schema.isObject()) {
      ObjectNode s = (ObjectNode) schema;
      boolean isObject = "object".equals(s.path("type").asString(""));
      boolean preserves = s.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
      if (isObject && !preserves && !s.has("additionalProperties")) {
        s.put("additionalProperties", false);
      }
      for (JsonNode child : s.values()) {
        strict(child);
      }
    } else if (schema.isArray()) {
      for (JsonNode child : schema) {
        strict(child);
      }
    }
    return schema;
  }

  private static List<String> unknownFields(Version version, ObjectNode obj) {
    List<String> unknown = new ArrayList<>();
    for (com.networknt.schema.Error e : version.strictValidator().validate(obj)) {
      if ("additionalProperties".equals(e.getKeyword())) {
        unknown.add(
            "unknown field \"" + join(fieldPath(e.getInstanceLocation()), e.getProperty()) + "\"");
      }
    }
    return unknown;
  }

  private static void prune(Version version, ObjectNode obj) {
    for (com.networknt.schema.Error e : version.strictValidator().validate(obj)) {
      if ("additionalProperties".equals(e.getKeyword())) {
        JsonNode parent = obj;
        NodePath at = e.getInstanceLocation();
        for (int i = 0; i < at.getNameCount() && parent != null; i++) {
          Object element = at.getElement(i);
          parent =
              element instanceof Integer index ? parent.get(index) : parent.get((String) element);
        }
        if (parent instanceof ObjectNode o) {
          o.remove(e.getProperty());
        }
      }
    }
  }

  // ------------------------------------------------------------------------- schema: defaults

  private static void applyDefaults(JsonNode value, JsonNode schema) {
    if (value == null || schema == null) {
      return;
    }
    if (value instanceof ObjectNode obj) {
      JsonNode properties = schema.get("properties");
      if (properties != null) {
        for (Map.Entry<String, JsonNode> p : properties.properties()) {
          JsonNode child = obj.get(p.getKey());
          if ((child == null || child.isNull()) && p.getValue().has("default")) {
            if (child == null || !p.getValue().path("nullable").asBoolean(false)) {
              obj.set(p.getKey(), p.getValue().get("default").deepCopy());
            }
          }
          applyDefaults(obj.get(p.getKey()), p.getValue());
        }
      }
      JsonNode additional = schema.get("additionalProperties");
      if (additional != null && additional.isObject()) {
        for (String key : obj.propertyNames()) {
          if (properties == null || !properties.has(key)) {
            applyDefaults(obj.get(key), additional);
          }
        }
      }
    } else if (value instanceof ArrayNode array && schema.has("items")) {
      for (JsonNode item : array) {
        applyDefaults(item, schema.get("items"));
      }
    }
  }

  // ------------------------------------------------------------------- schema: error messages

  private static String describe(com.networknt.schema.Error e, JsonNode rootSchema) {
    String path = fieldPath(e.getInstanceLocation());
    JsonNode value = e.getInstanceNode();
    JsonNode limit = e.getSchemaNode();
    String field = path.isEmpty() ? "<nil>" : path;
    String body = path.isEmpty() ? "body" : path + " in body";
    return switch (e.getKeyword()) {
      case "required" -> join(path, e.getProperty()) + ": Required value";
      case "type" ->
          field
              + ": Invalid value: \""
              + typeName(value)
              + "\": "
              + body
              + " must be of type "
              + e.getArguments()[1]
              + ": \""
              + typeName(value)
              + "\"";
      case "minimum" ->
          field
              + ": Invalid value: "
              + show(value)
              + ": "
              + body
              + (exclusive(e, rootSchema, "exclusiveMinimum")
                  ? " should be greater than "
                  : " should be greater than or equal to ")
              + number(limit);
      case "maximum" ->
          field
              + ": Invalid value: "
              + show(value)
              + ": "
              + body
              + (exclusive(e, rootSchema, "exclusiveMaximum")
                  ? " should be less than "
                  : " should be less than or equal to ")
              + number(limit);
      case "exclusiveMinimum" ->
          field
              + ": Invalid value: "
              + show(value)
              + ": "
              + body
              + " should be greater than "
              + number(limit);
      case "exclusiveMaximum" ->
          field
              + ": Invalid value: "
              + show(value)
              + ": "
              + body
              + " should be less than "
              + number(limit);
      case "pattern" ->
          "metadata.name".equals(path)
              ? field + ": Invalid value: " + show(value) + ": " + DNS1123_SUBDOMAIN_MESSAGE
              : field
                  + ": Invalid value: "
                  + show(value)
                  + ": "
                  + body
                  + " should match '"
                  + limit.asString()
                  + "'";
      case "enum" -> {
        List<String> supported = new ArrayList<>();
        limit.forEach(v -> supported.add(show(v)));
        yield field
            + ": Unsupported value: "
            + show(value)
            + ": supported values: "
            + String.join(", ", supported);
      }
      case "maxLength" -> field + ": Too long: may not be more than " + number(limit) + " bytes";
      case "minLength" ->
          field
              + ": Invalid value: "
              + show(value)
              + ": "
              + body
              + " should be at least "
              + number(limit)
              + " chars long";
      case "maxItems", "maxProperties" ->
          field + ": Too many: " + value.size() + ": must have at most " + number(limit) + " items";
      case "minItems" ->
          field
              + ": Invalid value: "
              + value.size()
              + ": "
              + body
              + " should have at least "
              + number(limit)
              + " items";
      case "minProperties" ->
          field
              + ": Invalid value: "
              + value.size()
              + ": "
              + body
              + " should have at least "
              + number(limit)
              + " properties";
      case "multipleOf" ->
          field
              + ": Invalid value: "
              + show(value)
              + ": "
              + body
              + " should be a multiple of "
              + number(limit);
      case "uniqueItems" -> field + ": Duplicate value: " + show(value);
      case "format" ->
          field
              + ": Invalid value: "
              + show(value)
              + ": "
              + body
              + " must be of type "
              + e.getArguments()[0]
              + ": "
              + show(value);
      default -> field + ": Invalid value: " + show(value) + ": " + e.getMessage();
    };
  }

  /** Whether the schema that holds the failed minimum/maximum makes it exclusive (OpenAPI 3.0). */
  private static boolean exclusive(
      com.networknt.schema.Error e, JsonNode rootSchema, String keyword) {
    NodePath at = e.getSchemaLocation().getFragment();
    JsonNode schema = rootSchema;
    for (int i = 0; i < at.getNameCount() - 1 && schema != null; i++) {
      Object element = at.getElement(i);
      schema = element instanceof Integer index ? schema.get(index) : schema.get((String) element);
    }
    return schema != null && schema.path(keyword).asBoolean(false);
  }

  /** {@code /spec/items/0/name} as Kubernetes writes it: {@code spec.items[0].name}. */
  static String fieldPath(NodePath at) {
    StringBuilder path = new StringBuilder();
    for (int i = 0; i < at.getNameCount(); i++) {
      Object element = at.getElement(i);
      if (element instanceof Integer index) {
        path.append('[').append(index).append(']');
      } else {
        path.append(path.length() == 0 ? "" : ".").append(element);
      }
    }
    return path.toString();
  }

  private static String join(String path, String child) {
    return path.isEmpty() ? child : path + "." + child;
  }

  private static String typeName(JsonNode value) {
    if (value == null || value.isNull()) {
      return "null";
    }
    if (value.isIntegralNumber()) {
      return "integer";
    }
    if (value.isNumber()) {
      return "number";
    }
    if (value.isBoolean()) {
      return "boolean";
    }
    if (value.isString()) {
      return "string";
    }
    return value.isArray() ? "array" : "object";
  }

  private static String show(JsonNode value) {
    if (value == null || value.isNull()) {
      return "\"null\"";
    }
    if (value.isString()) {
      return Yaml.JSON.writeValueAsString(value);
    }
    if (value.isNumber() || value.isBoolean()) {
      return value.toString();
    }
    return "\"" + typeName(value) + "\"";
  }

  private static String number(JsonNode limit) {
    double d = limit.asDouble();
    return d == Math.rint(d) && !Double.isInfinite(d) ? Long.toString((long) d) : limit.toString();
  }

  // ----------------------------------------------------------------------------- CEL rules

  private static Cel cel(boolean optionalOldSelf) {
    return CelFactory.standardCelBuilder()
        .setOptions(CEL_OPTIONS)
        .addVar("self", SimpleType.DYN)
        .addVar("oldSelf", optionalOldSelf ? OptionalType.create(SimpleType.DYN) : SimpleType.DYN)
        // What Kubernetes' CEL environment shares with cel-java: the standard library and macros,
        // the strings, sets and optional extensions. Kubernetes-only libraries (lists, regex,
        // url, quantity, ip, cidr, format) are not declared: a rule using them fails to compile.
        .addCompilerLibraries(
            CelExtensions.strings(), CelExtensions.sets(CEL_OPTIONS), CelExtensions.optional())
        .addRuntimeLibraries(
            CelExtensions.strings(), CelExtensions.sets(CEL_OPTIONS), CelExtensions.optional())
        .build();
  }

  /** Compiles every rule of the schema, as the API server does when the CRD is created. */
  private static void compileRules(
      JsonNode schema, String where, Map<JsonNode, List<Rule>> rules, boolean inJunctor) {
    if (schema == null || !schema.isObject()) {
      return;
    }
    JsonNode validations = schema.get("x-kubernetes-validations");
    if (validations != null) {
      if (inJunctor) {
        throw new IllegalStateException(
            where + ": x-kubernetes-validations inside allOf/anyOf/oneOf/not is not supported");
      }
      List<Rule> compiled = new ArrayList<>();
      for (JsonNode v : validations) {
        compiled.add(compile(v, where.isEmpty() ? "<root>" : where));
      }
      rules.put(schema, compiled);
    }
    JsonNode properties = schema.get("properties");
    if (properties != null) {
      for (Map.Entry<String, JsonNode> p : properties.properties()) {
        compileRules(p.getValue(), join(where, p.getKey()), rules, inJunctor);
      }
    }
    JsonNode additional = schema.get("additionalProperties");
    if (additional != null && additional.isObject()) {
      compileRules(additional, where + "[*]", rules, inJunctor);
    }
    JsonNode items = schema.get("items");
    if (items != null && items.isObject()) {
      compileRules(items, where + "[*]", rules, inJunctor);
    }
    for (String junctor : List.of("allOf", "anyOf", "oneOf")) {
      for (JsonNode sub : schema.path(junctor)) {
        compileRules(sub, where, rules, true);
      }
    }
    if (schema.has("not")) {
      compileRules(schema.get("not"), where, rules, true);
    }
  }

  private static Rule compile(JsonNode v, String where) {
    String rule = v.required("rule").stringValue();
    boolean optionalOldSelf = v.path("optionalOldSelf").asBoolean(false);
    Cel cel = optionalOldSelf ? CEL_OPTIONAL_OLD_SELF : CEL;
    CelAbstractSyntaxTree ast = check(cel, rule, where, "rule");
    boolean transition =
        CelNavigableAst.fromAst(ast)
            .getRoot()
            .allNodes()
            .anyMatch(
                n ->
                    n.expr().getKind() == CelExpr.ExprKind.Kind.IDENT
                        && "oldSelf".equals(n.expr().ident().name()));
    CelRuntime.Program messageProgram = null;
    if (v.hasNonNull("messageExpression")) {
      messageProgram =
          program(
              cel,
              check(cel, v.get("messageExpression").stringValue(), where, "messageExpression"),
              where);
    }
    return new Rule(
        rule,
        v.path("message").asString(""),
        v.path("reason").asString(""),
        v.path("fieldPath").asString(""),
        optionalOldSelf,
        transition,
        program(cel, ast, where),
        messageProgram);
  }

  private static CelAbstractSyntaxTree check(
      Cel cel, String expression, String where, String what) {
    CelValidationResult result = cel.compile(expression);
    if (result.hasError()) {
      throw new IllegalStateException(
          "cel-java cannot compile the "
              + what
              + " at "
              + where
              + " ("
              + expression
              + "): "
              + result.getErrorString());
    }
    try {
      return result.getAst();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static CelRuntime.Program program(Cel cel, CelAbstractSyntaxTree ast, String where) {
    try {
      return cel.createProgram(ast);
    } catch (CelEvaluationException e) {
      throw new IllegalStateException("cel-java cannot plan the rule at " + where, e);
    }
  }

  private static void evaluate(
      Version version,
      JsonNode schema,
      JsonNode value,
      JsonNode old,
      String path,
      List<String> errors) {
    if (value == null || value.isNull() || schema == null) {
      return;
    }
    boolean root = path.isEmpty();
    List<Rule> rules = version.rules().get(schema);
    if (rules != null) {
      Object self = toCel(value, schema, root);
      Object oldSelf = old == null || old.isNull() ? null : toCel(old, schema, root);
      String type = schema.path("type").asString("");
      for (Rule rule : rules) {
        if (rule.transition() && oldSelf == null && !rule.optionalOldSelf()) {
          continue;
        }
        Map<String, Object> vars = new HashMap<>();
        vars.put("self", self);
        if (rule.transition()) {
          vars.put("oldSelf", rule.optionalOldSelf() ? Optional.ofNullable(oldSelf) : oldSelf);
        }
        String field = root ? "<nil>" : path;
        if (!rule.fieldPath().isEmpty()) {
          String relative =
              rule.fieldPath().startsWith(".") ? rule.fieldPath().substring(1) : rule.fieldPath();
          field = root ? relative : path + "." + relative;
        }
        Object result;
        try {
          result = rule.program().eval(vars);
        } catch (CelEvaluationException e) {
          errors.add(
              field
                  + ": Invalid value: \""
                  + type
                  + "\": "
                  + e.getMessage()
                  + " evaluating rule: "
                  + ruleString(rule));
          continue;
        }
        if (!Boolean.TRUE.equals(result)) {
          errors.add(failure(field, type, message(rule, vars), rule.reason()));
        }
      }
    }
    if (value.isObject()) {
      JsonNode properties = schema.get("properties");
      JsonNode additional = schema.get("additionalProperties");
      for (Map.Entry<String, JsonNode> child : value.properties()) {
        JsonNode oldChild = old != null && old.isObject() ? old.get(child.getKey()) : null;
        if (properties != null && properties.has(child.getKey())) {
          evaluate(
              version,
              properties.get(child.getKey()),
              child.getValue(),
              oldChild,
              join(path, child.getKey()),
              errors);
        } else if (additional != null && additional.isObject()) {
          evaluate(
              version,
              additional,
              child.getValue(),
              oldChild,
              path + "[" + child.getKey() + "]",
              errors);
        }
      }
    } else if (value.isArray() && schema.has("items")) {
      JsonNode items = schema.get("items");
      boolean correlatable = "map".equals(schema.path("x-kubernetes-list-type").asString(""));
      for (int i = 0; i < value.size(); i++) {
        JsonNode item = value.get(i);
        JsonNode oldItem = correlatable ? correlate(schema, item, old) : null;
        evaluate(version, items, item, oldItem, path + "[" + i + "]", errors);
      }
    }
  }

  /** The item of the old list with the same map keys ({@code x-kubernetes-list-type: map}). */
  private static JsonNode correlate(JsonNode schema, JsonNode item, JsonNode oldList) {
    if (oldList == null || !oldList.isArray()) {
      return null;
    }
    List<String> keys = new ArrayList<>();
    schema.path("x-kubernetes-list-map-keys").forEach(k -> keys.add(k.stringValue()));
    for (JsonNode candidate : oldList) {
      if (keys.stream().allMatch(k -> Objects.equals(candidate.get(k), item.get(k)))) {
        return candidate;
      }
    }
    return null;
  }

  private static String message(Rule rule, Map<String, Object> vars) {
    if (rule.messageProgram() != null) {
      try {
        Object text = rule.messageProgram().eval(vars);
        if (text instanceof String s && !s.isBlank() && !s.contains("\n")) {
          return s.trim();
        }
      } catch (CelEvaluationException e) {
        // Kubernetes falls back to message (or the default) when messageExpression fails.
      }
    }
    return rule.message().isBlank() ? "failed rule: " + ruleString(rule) : rule.message().trim();
  }

  private static String ruleString(Rule rule) {
    return rule.message().isBlank() ? rule.rule().trim() : rule.message().trim();
  }

  private static String failure(String field, String type, String detail, String reason) {
    return switch (reason) {
      case "FieldValueForbidden" -> field + ": Forbidden: " + detail;
      case "FieldValueRequired" -> field + ": Required value: " + detail;
      case "FieldValueDuplicate" -> field + ": Duplicate value: \"" + type + "\"";
      default -> field + ": Invalid value: \"" + type + "\": " + detail;
    };
  }

  /**
   * A JSON value as CEL sees it: objects become maps, arrays lists, integers int (long), numbers of
   * a {@code number} field double. At the root, metadata holds only name and generateName.
   */
  private static Object toCel(JsonNode value, JsonNode schema, boolean root) {
    if (value == null || value.isNull()) {
      return NullValue.NULL_VALUE;
    }
    if (value.isObject()) {
      Map<String, Object> map = new LinkedHashMap<>();
      JsonNode properties = schema == null ? null : schema.get("properties");
      JsonNode additional = schema == null ? null : schema.get("additionalProperties");
      for (Map.Entry<String, JsonNode> e : value.properties()) {
        JsonNode child = e.getValue();
        if (root && "metadata".equals(e.getKey())) {
          Map<String, Object> metadata = new LinkedHashMap<>();
          for (String key : List.of("name", "generateName")) {
            if (child.hasNonNull(key)) {
              metadata.put(key, child.get(key).stringValue());
            }
          }
          map.put("metadata", metadata);
          continue;
        }
        JsonNode childSchema =
            properties != null && properties.has(e.getKey())
                ? properties.get(e.getKey())
                : additional != null && additional.isObject() ? additional : null;
        map.put(e.getKey(), toCel(child, childSchema, false));
      }
      return map;
    }
    if (value.isArray()) {
      JsonNode items = schema == null ? null : schema.get("items");
      List<Object> list = new ArrayList<>();
      value.forEach(item -> list.add(toCel(item, items, false)));
      return list;
    }
    if (value.isIntegralNumber()) {
      return schema != null && "number".equals(schema.path("type").asString(""))
          ? (Object) value.doubleValue()
          : (Object) value.longValue();
    }
    if (value.isNumber()) {
      return value.doubleValue();
    }
    if (value.isBoolean()) {
      return value.booleanValue();
    }
    return value.stringValue();
  }
}
