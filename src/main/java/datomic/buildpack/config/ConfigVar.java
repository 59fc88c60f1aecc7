package datomic.buildpack.config;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** One declared config var: its name, what it sets, its default, meaning and validation. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ConfigVar(
    @JsonProperty("name") String name,
    @JsonProperty("kind") Kind kind,
    @JsonProperty("type") ValueType type,
    @JsonProperty("values") List<String> values,
    @JsonProperty("min") Long min,
    @JsonProperty("max") Long max,
    @JsonProperty("default") String declaredDefault,
    @JsonProperty("secret") boolean secret,
    @JsonProperty("property") String explicitProperty,
    @JsonProperty("passthrough") boolean passthrough,
    @JsonProperty("description") String description) {

  /** A transactor property, or a setting of the buildpack itself. */
  public enum Kind {
    @JsonProperty("property") PROPERTY,
    @JsonProperty("setting") SETTING
  }

  public static final String PREFIX = "DATOMIC_";

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
