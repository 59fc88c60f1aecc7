package datomic.buildpack.dyno;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What every boot returns: the Datomic process to start (its command) and the changes to this
 * dyno's environment it starts with (variables set, or removed). The slug's launcher script
 * applies the changes and {@code exec}s the command, so no JVM of ours stays beside Datomic; a
 * command that runs Datomic as a child (backups, the Heroku CI check) applies the same plan to
 * its {@link ProcessBuilder}. Secret values are never in the command (they are in private files
 * the plan names, such as {@code PGPASSFILE}).
 *
 * <p>The file the launcher reads ({@link #write}): the environment entries ({@code NAME=VALUE} to
 * set, {@code NAME} to remove), an empty entry, then the command's arguments, each entry ended
 * by a NUL byte. Paths with spaces, {@code =} or any other character pass unchanged.
 */
public final class ExecPlan {
  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  /** Variable name to its new value; {@link Optional#empty()} removes the variable. */
  private final Map<String, Optional<String>> environment = new LinkedHashMap<>();
  private final List<String> command = new ArrayList<>();

  private ExecPlan(String program) {
    command.add(program);
  }

  /** A plan that starts {@code program}. */
  public static ExecPlan of(Path program) {
    return new ExecPlan(program.toString());
  }

  public ExecPlan set(String name, String value) {
    environment.put(checkedName(name), Optional.of(value));
    return this;
  }

  public ExecPlan unset(String name) {
    environment.put(checkedName(name), Optional.empty());
    return this;
  }

  public ExecPlan setAll(Map<String, String> variables) {
    variables.forEach(this::set);
    return this;
  }

  public ExecPlan arg(String argument) {
    command.add(argument);
    return this;
  }

  public ExecPlan args(List<String> arguments) {
    command.addAll(arguments);
    return this;
  }

  /** The program and its arguments. */
  public List<String> command() {
    return Collections.unmodifiableList(command);
  }

  /** The value the plan gives {@code name}: set, removed (empty), or not touched (null). */
  public Optional<String> variable(String name) {
    return environment.getOrDefault(name, null);
  }

  /** The environment changes, in order: a value to set, or empty to remove. */
  public Map<String, Optional<String>> environment() {
    return Collections.unmodifiableMap(environment);
  }

  /** Applies the environment changes to a child's environment (a {@link ProcessBuilder}'s). */
  public void applyTo(Map<String, String> childEnvironment) {
    environment.forEach((name, value) -> {
      if (value.isPresent()) {
        childEnvironment.put(name, value.get());
      } else {
        childEnvironment.remove(name);
      }
    });
  }

  /** A process builder for this plan, run as a child instead of exec'd. */
  public ProcessBuilder processBuilder() {
    ProcessBuilder pb = new ProcessBuilder(command);
    applyTo(pb.environment());
    return pb;
  }

  /** Writes the plan for the launcher script (see the class comment for the format). */
  public void write(Path file) throws IOException {
    StringBuilder out = new StringBuilder();
    environment.forEach((name, value) ->
        out.append(name).append(value.map(v -> "=" + v).orElse("")).append('\0'));
    out.append('\0');
    command.forEach(a -> out.append(a).append('\0'));
    Files.writeString(file, out, StandardCharsets.UTF_8);
  }

  private static String checkedName(String name) {
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("not an environment variable name: " + name);
    }
    return name;
  }
}
