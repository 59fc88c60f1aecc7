package datomic.buildpack.config;

import datomic.buildpack.files.Json;
import datomic.buildpack.output.Echo;
import datomic.buildpack.output.Log;
import datomic.buildpack.output.Secrets;
import datomic.buildpack.output.UserError;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The one registry of {@code DATOMIC_*} config vars, read from {@code config-vars.json}. Code reads
 * config vars through it; the table in docs/configuration.md is checked against it.
 */
public final class ConfigRegistry {
  private static final String RESOURCE = "/datomic/buildpack/config-vars.json";
  /** Variables the buildpack sets for itself (launcher script, tests); never user settings. */
  public static final String INTERNAL_PREFIX = "DATOMIC_BUILDPACK_";

  private final Map<String, ConfigVar> vars = new LinkedHashMap<>();
  /** Secrets in config vars that add-ons and the platform set (not DATOMIC_* settings). */
  private final List<String> otherSecrets;

  private ConfigRegistry(List<ConfigVar> list, List<String> otherSecrets) {
    list.forEach(v -> vars.put(v.name(), v));
    this.otherSecrets = otherSecrets == null ? List.of() : List.copyOf(otherSecrets);
  }

  /** The registry (read once; it is immutable). */
  public static ConfigRegistry load() {
    return Holder.INSTANCE;
  }

  private static final class Holder {
    static final ConfigRegistry INSTANCE = read();
  }

  private static ConfigRegistry read() {
    try (InputStream in = ConfigRegistry.class.getResourceAsStream(RESOURCE)) {
      List<ConfigVar> vars = new ArrayList<>();
      Map<String, Object> json = Json.read(in);
      for (Map<String, Object> var : Json.objects(json, "vars")) {
        vars.add(ConfigVar.of(var));
      }
      return new ConfigRegistry(vars, Json.strings(json, "otherSecrets"));
    } catch (IOException e) {
      throw new UncheckedIOException("config-vars.json is unreadable", e);
    }
  }

  /** The declared default of {@code name} (for code that needs it without an environment). */
  public String defaultOf(String name) {
    return declared(name).defaultValue().orElseThrow(
        () -> new IllegalStateException(name + " has no default in config-vars.json"));
  }

  public List<ConfigVar> vars() {
    return List.copyOf(vars.values());
  }

  public Optional<ConfigVar> find(String name) {
    return Optional.ofNullable(vars.get(name));
  }

  private ConfigVar declared(String name) {
    ConfigVar var = vars.get(name);
    if (var == null) {
      throw new IllegalArgumentException(name + " is not declared in config-vars.json");
    }
    return var;
  }

  /** The value set by the user, else the declared default (descriptive defaults don't count). */
  public Optional<String> value(Environment env, String name) {
    ConfigVar var = declared(name);
    Optional<String> set = env.get(name);
    if (set.isPresent()) {
      return set;
    }
    return var.defaultValue().filter(d -> !d.startsWith("("));
  }

  /** Whether the user set the var (as opposed to a default applying). */
  public boolean isSet(Environment env, String name) {
    declared(name);
    return env.get(name).isPresent();
  }

  /**
   * Checks every {@code DATOMIC_*} var: an invalid value is an error (all are listed at once), an
   * unknown name is a warning with the closest known name.
   */
  public void validate(Environment env, Log log) {
    List<String> problems = new ArrayList<>();
    for (String name : env.undecodable()) {
      if (name.startsWith(ConfigVar.PREFIX) && !name.startsWith(INTERNAL_PREFIX)) {
        problems.add(Echo.value(name) + ": " + Environment.NOT_UTF8 + ".");
      }
    }
    for (Map.Entry<String, String> e : env.asMap().entrySet()) {
      String name = e.getKey();
      if (!name.startsWith(ConfigVar.PREFIX) || name.startsWith(INTERNAL_PREFIX)
          || env.undecodable().contains(name)) {
        continue;
      }
      ConfigVar var = vars.get(name);
      if (var == null) {
        log.warning(Echo.value(name) + " is not a setting this buildpack knows; it is ignored.",
            closest(name).map(c -> "Did you mean " + c + "?").orElse(
                "See the buildpack's docs/configuration.md for the config vars it reads."));
        continue;
      }
      if (e.getValue().isEmpty()) {
        continue;
      }
      var.type().problem(var, e.getValue()).ifPresent(p -> problems.add(
          name + "=" + shown(var, e.getValue()) + ": " + p + "."));
    }
    if (!problems.isEmpty()) {
      List<String> advice = new ArrayList<>(problems);
      Advice how = Advice.of(env);
      advice.add("Fix with: " + how.configSet("NAME=value") + " (or "
          + (how.local() ? "remove it from .env" : "unset it") + " to use the default).");
      throw new UserError(problems.size() == 1 ? "A config var has an invalid value."
          : problems.size() + " config vars have invalid values.", advice.toArray(String[]::new));
    }
  }

  /** The table of config vars in docs/configuration.md, one row per var, from this registry. */
  public String markdownTable() {
    StringBuilder out = new StringBuilder("| Config var | Default | Meaning |\n| --- | --- | --- |\n");
    for (ConfigVar v : vars.values()) {
      out.append("| `").append(v.name()).append("` | ")
          .append(v.defaultValue().map(d -> d.startsWith("(") ? d : "`" + d + "`").orElse(""))
          .append(" | ").append(v.description().replace("|", "\\|")).append(" |\n");
    }
    return out.toString();
  }

  /**
   * A value as an error may show it (the one place config values are echoed): secrets masked; URLs
   * without credentials or query; line breaks and control characters escaped so that a value
   * cannot forge a line of the log.
   */
  public static String shown(ConfigVar var, String value) {
    if (var.secret() || Secrets.namesASecret(var.name())) {
      return Secrets.MASK;
    }
    if (var.type() == ValueType.URL) {
      // Masked first: a '?' may be inside the password, not the start of the query. Masked again
      // once escaped: a password holding a line break is then one word the mask covers.
      String masked = Secrets.maskUrls(value);
      int query = masked.indexOf('?');
      return Secrets.maskUrls(Echo.value(query < 0 ? masked : masked.substring(0, query) + "?..."));
    }
    return Echo.value(value);
  }

  /**
   * Every secret value present in {@code env}, for masking: secret {@code DATOMIC_*} vars and the
   * add-ons' secrets ({@code otherSecrets} in config-vars.json, e.g. MEMCACHIER_PASSWORD).
   */
  public Secrets secrets(Environment env) {
    Secrets secrets = new Secrets();
    vars.values().stream().filter(ConfigVar::secret)
        .forEach(v -> env.get(v.name()).ifPresent(secrets::add));
    otherSecrets.forEach(name -> env.get(name).ifPresent(secrets::add));
    return secrets;
  }

  /** Names of the add-ons' and platform's secret config vars (never shown, never passed as arguments). */
  public List<String> otherSecrets() {
    return otherSecrets;
  }

  /** The known name nearest to {@code name}, if it is near enough to be a likely typo. */
  Optional<String> closest(String name) {
    return nearest(name, vars.keySet());
  }

  /** The name of {@code known} nearest to {@code name}, if near enough to be a likely typo. */
  public static Optional<String> nearest(String name, java.util.Collection<String> known) {
    return known.stream()
        .min(Comparator.comparingInt((String k) -> distance(k, name)))
        .filter(k -> distance(k, name) <= Math.max(3, name.length() / 4));
  }

  /** Levenshtein distance, two rows at a time. */
  static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
