package datomic.buildpack.transactor;

import datomic.buildpack.dyno.RuntimeDir;
import datomic.buildpack.heroku.SlugLayout;
import datomic.buildpack.metrics.MetricsCallback;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Writes the rendered properties to a private file and the command that replaces the launcher
 * process: {@code env} with cleaned JVM options, then the distribution's {@code bin/transactor}
 * with the heap, GC options, logging to stdout, and the properties file as its last argument.
 */
public final class Launcher {
  /** Datomic's own defaults; any other JVM argument replaces them, so they are passed again. */
  static final List<String> GC_OPTIONS = List.of("-XX:+UseG1GC", "-XX:MaxGCPauseMillis=50");
  /** Heap settings other buildpacks put in JAVA_OPTS/JAVA_TOOL_OPTIONS; the transactor's win. */
  static final Pattern HEAP_OPTION = Pattern.compile(
      "-Xm[sx]\\S*|-XX:(Max|Min|Initial)RAMPercentage=\\S*|-XX:MaxRAM=\\S*|-XX:[+-]UseContainerSupport");

  private Launcher() {}

  /**
   * Writes {@code config} to {@code transactor.properties} in this dyno's private runtime folder,
   * readable only by this user; the file of the previous boot is replaced, not kept beside it.
   */
  public static Path writeProperties(RuntimeDir dir, TransactorConfig config) {
    return dir.write("transactor.properties", config.render());
  }

  /** The command line to exec, as argv. */
  public static List<String> command(SlugLayout slug, TransactorConfig config, Path properties,
      Map<String, String> env) {
    List<String> argv = new ArrayList<>();
    argv.add("env");
    argv.add("-u");
    argv.add("_JAVA_OPTIONS");
    argv.add("JAVA_OPTS=" + withoutHeapOptions(saved(env, "JAVA_OPTS")));
    argv.add("JAVA_TOOL_OPTIONS=" + withoutHeapOptions(saved(env, "JAVA_TOOL_OPTIONS")));
    argv.add("XMX=");
    argv.add("XMS=");
    // The user's entries, made absolute, then the folder the shipped metrics callback needs.
    MetricsCallback.extClasspath(slug,
        Optional.ofNullable(env.get(MetricsCallback.EXT_CLASSPATH)).filter(cp -> !cp.isBlank()),
        config.metricsCallback())
        .ifPresent(cp -> argv.add(MetricsCallback.EXT_CLASSPATH + "=" + cp));
    Optional.ofNullable(env.get("DATOMIC_BUILDPACK_JAVA")).map(Path::of).map(Path::getParent)
        .ifPresent(bin -> argv.add("PATH=" + bin + ":" + env.getOrDefault("PATH", "/usr/bin:/bin")));
    argv.add(slug.distDir().resolve("bin/transactor").toString());
    String heap = Size.format(config.heapMb());
    argv.add("-Xmx" + heap);
    argv.add("-Xms" + heap);
    argv.addAll(GC_OPTIONS);
    argv.add("-Ddatomic.printConnectionInfo=false");
    argv.add("-Dlogback.configurationFile=" + slug.logbackConfig());
    argv.add(properties.toString());
    return argv;
  }

  /** The value the launcher script saved before it cleared the variable for its own JVM. */
  private static String saved(Map<String, String> env, String name) {
    String savedCopy = env.get("DATOMIC_BUILDPACK_SAVED_" + name);
    return savedCopy != null ? savedCopy : env.getOrDefault(name, "");
  }

  static String withoutHeapOptions(String options) {
    return String.join(" ", java.util.Arrays.stream(options.trim().split("\\s+"))
        .filter(o -> !o.isEmpty() && !HEAP_OPTION.matcher(o).matches()).toList());
  }

  /** Writes argv NUL-separated for the launcher script's {@code mapfile -d ''}. */
  public static void writePlan(Path plan, List<String> argv) throws IOException {
    StringBuilder out = new StringBuilder();
    argv.forEach(a -> out.append(a).append('\0'));
    Files.writeString(plan, out, StandardCharsets.UTF_8);
  }
}
