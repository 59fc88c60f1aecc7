package datomic.buildpack.dyno.transactor;

import datomic.buildpack.dyno.JavaExec;
import datomic.buildpack.dyno.RuntimeDir;
import datomic.buildpack.dyno.Size;
import datomic.buildpack.slug.SlugLayout;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Writes the rendered properties to a private file and the command that replaces the launcher
 * process: {@code env} with cleaned JVM options, then the distribution's {@code bin/transactor}
 * with the heap, GC options, logging to stdout, and the properties file as its last argument.
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

  /** The command line to exec, as argv. */
  public static List<String> command(SlugLayout slug, TransactorConfig config, Path properties,
      Map<String, String> env) {
    // The folder the shipped metrics callback needs, before the app's own DATOMIC_EXT_CLASSPATH.
    List<String> argv = JavaExec.environment(env, slug.appDir(),
        config.metricsCallback().map(c -> c.classpathEntries(slug)).orElse(List.of()), Map.of());
    argv.add(slug.distDir().resolve("bin/transactor").toString());
    String heap = Size.format(config.heapMb());
    argv.add("-Xmx" + heap);
    argv.add("-Xms" + heap);
    argv.addAll(JavaExec.GC_OPTIONS);
    argv.add("-Ddatomic.printConnectionInfo=false");
    argv.add("-Dlogback.configurationFile=" + slug.logbackConfig());
    argv.add(properties.toString());
    return argv;
  }

  static String withoutHeapOptions(String options) {
    return JavaExec.withoutHeapOptions(options);
  }
}
