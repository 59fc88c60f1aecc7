package datomic.buildpack.config;

import datomic.buildpack.output.UserError;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The config vars the buildpack sees: at build time the files of {@code ENV_DIR}, at dyno boot
 * the process environment. Values are never printed from here.
 */
public final class Environment {
  /** Never imported from ENV_DIR (Heroku's guidance: they would break the build itself). */
  private static final Set<String> NEVER_IMPORTED =
      Set.of("PATH", "GIT_DIR", "CPATH", "CPPATH", "LD_PRELOAD", "LIBRARY_PATH", "JAVA_OPTS",
          "JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS");

  private final Map<String, String> vars;

  private Environment(Map<String, String> vars) {
    this.vars = Collections.unmodifiableMap(new TreeMap<>(vars));
  }

  public static Environment of(Map<String, String> vars) {
    return new Environment(vars);
  }

  public static Environment system() {
    return new Environment(System.getenv());
  }

  /** Reads {@code ENV_DIR}: one file per var, named for the var, holding its value. */
  public static Environment fromEnvDir(Path envDir) {
    Map<String, String> vars = new TreeMap<>();
    if (envDir == null || !Files.isDirectory(envDir)) {
      return new Environment(vars);
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(envDir)) {
      for (Path file : files) {
        String name = file.getFileName().toString();
        if (NEVER_IMPORTED.contains(name) || !Files.isRegularFile(file)) {
          continue;
        }
        vars.put(name, Files.readString(file, StandardCharsets.UTF_8).strip());
      }
    } catch (IOException e) {
      throw new UserError("Could not read the config vars in " + envDir,
          "Reading ENV_DIR failed: " + e.getMessage()).withCause(e);
    }
    return new Environment(vars);
  }

  public Optional<String> get(String name) {
    String value = vars.get(name);
    return value == null || value.isEmpty() ? Optional.empty() : Optional.of(value);
  }

  public Map<String, String> asMap() {
    return vars;
  }

  /** A copy with extra or replaced values (used by tests and by the dry run). */
  public Environment with(String name, String value) {
    Map<String, String> copy = new TreeMap<>(vars);
    copy.put(name, value);
    return new Environment(copy);
  }
}
