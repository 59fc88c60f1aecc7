package datomic.buildpack.dyno.transactor;

import datomic.buildpack.dyno.ExecPlan;
import datomic.buildpack.dyno.JavaExec;
import datomic.buildpack.dyno.RuntimeDir;
import datomic.buildpack.dyno.Size;
import datomic.buildpack.slug.SlugLayout;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Writes the rendered properties to a private file, and the plan that replaces the launcher
 * process: the distribution's {@code bin/transactor} with cleaned JVM options, the heap, GC
 * options, logging to stdout, and the properties file as its last argument.
 */
public final class Launcher {
  private Launcher() {}

  /**
   * Writes {@code config} to {@code transactor.properties} in this dyno's private runtime folder,
   * readable only by this user; the file of the previous boot is replaced, not kept beside it.
   */
  public static Path writeProperties(RuntimeDir dir, TransactorConfig config) {
    return dir.write("transactor.properties", config.render());
  }

  /** The plan that execs {@code bin/transactor} with the heap, GC options and properties. */
  public static ExecPlan command(SlugLayout slug, TransactorConfig config, Path properties,
      Map<String, String> env) {
    String heap = Size.format(config.heapMb());
    // The folder the shipped metrics callback needs, before the app's own DATOMIC_EXT_CLASSPATH.
    return JavaExec.plan(env, slug.appDir(), slug.distDir().resolve("bin/transactor"),
            config.metricsCallback().map(c -> c.classpathEntries(slug)).orElse(List.of()), Map.of())
        .arg("-Xmx" + heap)
        .arg("-Xms" + heap)
        .args(JavaExec.GC_OPTIONS)
        .arg("-Ddatomic.printConnectionInfo=false")
        .arg("-Dlogback.configurationFile=" + slug.logbackConfig())
        .arg(properties.toString());
  }
}
