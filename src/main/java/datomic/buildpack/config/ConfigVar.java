package datomic.buildpack.config;

import datomic.buildpack.files.Json;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** One declared config var: its name, what it sets, its default, meaning and validation. */
public record ConfigVar(
    String name,
    Kind kind,
    ValueType type,
    List<String> values,
    Long min,
    Long max,
    String declaredDefault,
    boolean secret,
    String explicitProperty,
    boolean passthrough,
    String description) {

  /** A transactor property, or a setting of the buildpack itself ({@code kind} in lower case). */
  public enum Kind {
    PROPERTY,
    SETTING
  }

  public static final String PREFIX = "DATOMIC_";

  /** One entry of config-vars.json's {@code vars} (other fields, like comments, are ignored). */
  static ConfigVar of(Map<String, Object> json) throws IOException {
    return new ConfigVar(
        Json.string(json, "name"),
        Json.constant(Kind.class, json, "kind"),
        Json.constant(ValueType.class, json, "type"),
        Json.strings(json, "values"),
        Json.integer(json, "min"),
        Json.integer(json, "max"),
        Json.string(json, "default"),
        Json.flag(json, "secret"),
        Json.string(json, "property"),
        Json.flag(json, "passthrough"),
        Json.string(json, "description"));
  }

  /** The transactor property this var sets, if any. */
  public Optional<String> property() {
    if (explicitProperty != null) {
      return Optional.of(explicitProperty);
    }
    if (kind == Kind.PROPERTY) {
      return Optional.of(propertyNameOf(name));
    }
    return Optional.empty();
  }

  /** {@code DATOMIC_MEMORY_INDEX_MAX} becomes {@code memory-index-max}. */
  public static String propertyNameOf(String varName) {
    return varName.substring(PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '-');
  }

  public Optional<String> defaultValue() {
    return Optional.ofNullable(declaredDefault);
  }
}
