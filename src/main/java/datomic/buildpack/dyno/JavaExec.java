package datomic.buildpack.dyno;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * How a Datomic JVM is started in place of the launcher: {@code env} with the JVM options other
 * buildpacks set, cleaned of heap settings (the dyno's sizing wins), the extra classpath made
 * absolute, then the command; written NUL-separated for the launcher script to {@code exec}.
 */
public final class JavaExec {
  /** Datomic's own GC options; any other JVM argument replaces them, so they are passed again. */
  public static final List<String> GC_OPTIONS = List.of("-XX:+UseG1GC", "-XX:MaxGCPauseMillis=50");
  /** Heap settings other buildpacks put in JAVA_OPTS/JAVA_TOOL_OPTIONS; Datomic's win. */
  static final Pattern HEAP_OPTION = Pattern.compile(
      "-Xm[sx]\\S*|-XX:(Max|Min|Initial)RAMPercentage=\\S*|-XX:MaxRAM=\\S*|-XX:[+-]UseContainerSupport");

  private JavaExec() {}

  /**
   * {@code env -u _JAVA_OPTIONS JAVA_OPTS=.. JAVA_TOOL_OPTIONS=.. XMX= XMS= [DATOMIC_EXT_CLASSPATH=..]
   * [PATH=..] [extra vars]}: the prefix of every Datomic command.
   *
   * @param classpath entries to put before the app's {@code DATOMIC_EXT_CLASSPATH}
   * @param extraVars variables the process needs (e.g. PGPASSFILE); never secret values
   */
  public static List<String> environment(Map<String, String> env, Path appDir,
      List<Path> classpath, Map<String, String> extraVars) {
    List<String> argv = new ArrayList<>();
    argv.add("env");
    argv.add("-u");
    argv.add("_JAVA_OPTIONS");
    argv.add("JAVA_OPTS=" + withoutHeapOptions(saved(env, "JAVA_OPTS")));
    argv.add("JAVA_TOOL_OPTIONS=" + withoutHeapOptions(saved(env, "JAVA_TOOL_OPTIONS")));
    argv.add("XMX=");
    argv.add("XMS=");
    List<String> entries = new ArrayList<>();
    classpath.forEach(p -> entries.add(p.toString()));
    Optional.ofNullable(env.get("DATOMIC_EXT_CLASSPATH")).filter(cp -> !cp.isBlank())
        .ifPresent(cp -> entries.add(absoluteClasspath(cp, appDir)));
    if (!entries.isEmpty()) {
      argv.add("DATOMIC_EXT_CLASSPATH=" + String.join(":", entries));
    }
    Optional.ofNullable(env.get("DATOMIC_BUILDPACK_JAVA")).map(Path::of).map(Path::getParent)
        .ifPresent(bin -> argv.add("PATH=" + bin + ":" + env.getOrDefault("PATH", "/usr/bin:/bin")));
    extraVars.forEach((k, v) -> argv.add(k + "=" + v));
    return argv;
  }

  /**
   * Datomic's scripts change into the distribution folder before they start Java, so relative
   * classpath entries (a metrics jar in the app) are made absolute against the app root.
   */
  public static String absoluteClasspath(String classpath, Path appDir) {
    return String.join(":", Arrays.stream(classpath.split(":"))
        .filter(e -> !e.isEmpty())
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

  /** Writes argv NUL-separated for the launcher script's {@code mapfile -d ''}. */
  public static void writePlan(Path plan, List<String> argv) throws IOException {
    StringBuilder out = new StringBuilder();
    argv.forEach(a -> out.append(a).append('\0'));
    Files.writeString(plan, out, StandardCharsets.UTF_8);
  }
}
