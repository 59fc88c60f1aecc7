package datomic.buildpack.dyno;

import datomic.buildpack.config.ValueList;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * How a Datomic JVM is started: the JVM options other buildpacks set, cleaned of heap settings
 * (the dyno's sizing wins), the extra classpath made absolute ({@link #plan}).
 */
public final class JavaExec {
  /** Datomic's own GC options; any other JVM argument replaces them, so they are passed again. */
  public static final List<String> GC_OPTIONS = List.of("-XX:+UseG1GC", "-XX:MaxGCPauseMillis=50");
  /** Heap settings other buildpacks put in JAVA_OPTS/JAVA_TOOL_OPTIONS; Datomic's win. */
  static final Pattern HEAP_OPTION = Pattern.compile(
      "-Xm[sx]\\S*|-XX:(Max|Min|Initial)RAMPercentage=\\S*|-XX:MaxRAM=\\S*|-XX:[+-]UseContainerSupport");

  /** The variables {@link #plan} reads from the environment it is given. */
  public static final List<String> PASSED_ON = List.of("JAVA_OPTS", "JAVA_TOOL_OPTIONS",
      "DATOMIC_BUILDPACK_SAVED_JAVA_OPTS", "DATOMIC_BUILDPACK_SAVED_JAVA_TOOL_OPTIONS",
      "DATOMIC_EXT_CLASSPATH", "DATOMIC_BUILDPACK_JAVA", "PATH");

  private JavaExec() {}

  /**
   * The plan of every Datomic process: {@code program} with {@code _JAVA_OPTIONS} removed,
   * {@code JAVA_OPTS}/{@code JAVA_TOOL_OPTIONS} cleaned of heap settings, {@code XMX}/{@code XMS}
   * emptied (the dyno's sizing wins), {@code DATOMIC_EXT_CLASSPATH} made absolute, {@code PATH}
   * led by the slug's Java, then {@code extraVars}.
   *
   * @param classpath entries to put before the app's {@code DATOMIC_EXT_CLASSPATH}
   * @param extraVars variables the process needs (e.g. PGPASSFILE); never secret values
   */
  public static ExecPlan plan(Map<String, String> env, Path appDir, Path program,
      List<Path> classpath, Map<String, String> extraVars) {
    ExecPlan plan = ExecPlan.of(program)
        .unset("_JAVA_OPTIONS")
        .set("JAVA_OPTS", withoutHeapOptions(saved(env, "JAVA_OPTS")))
        .set("XMX", "")
        .set("XMS", "");
    // Every JVM prints "Picked up JAVA_TOOL_OPTIONS: ..." when the variable is set, even empty.
    String toolOptions = withoutHeapOptions(saved(env, "JAVA_TOOL_OPTIONS"));
    if (toolOptions.isEmpty()) {
      plan.unset("JAVA_TOOL_OPTIONS");
    } else {
      plan.set("JAVA_TOOL_OPTIONS", toolOptions);
    }
    List<String> entries = new ArrayList<>();
    classpath.forEach(p -> entries.add(p.toString()));
    Optional.ofNullable(env.get("DATOMIC_EXT_CLASSPATH")).filter(cp -> !cp.isEmpty())
        .ifPresent(cp -> entries.add(absoluteClasspath(cp, appDir)));
    if (!entries.isEmpty()) {
      plan.set("DATOMIC_EXT_CLASSPATH", String.join(":", entries));
    }
    Optional.ofNullable(env.get("DATOMIC_BUILDPACK_JAVA")).map(Path::of).map(Path::getParent)
        .ifPresent(bin -> plan.set("PATH", bin + ":" + env.getOrDefault("PATH", "/usr/bin:/bin")));
    return plan.setAll(extraVars);
  }

  /**
   * Datomic's scripts change into the distribution folder before they start Java, so relative
   * classpath entries (a metrics jar in the app) are made absolute against the app root.
   */
  public static String absoluteClasspath(String classpath, Path appDir) {
    return String.join(":", ValueList.items(classpath, ':', "config var DATOMIC_EXT_CLASSPATH",
            "path", "lib/metrics.jar:lib/other.jar").stream()
        .map(e -> e.startsWith("/") ? e : appDir.resolve(e).normalize().toString())
        .toList());
  }

  /** The value the launcher script saved before it cleared the variable for its own JVM. */
  private static String saved(Map<String, String> env, String name) {
    String savedCopy = env.get("DATOMIC_BUILDPACK_SAVED_" + name);
    return savedCopy != null ? savedCopy : env.getOrDefault(name, "");
  }

  public static String withoutHeapOptions(String options) {
    return String.join(" ", Arrays.stream(options.trim().split("\\s+"))
        .filter(o -> !o.isEmpty() && !HEAP_OPTION.matcher(o).matches()).toList());
  }
}
