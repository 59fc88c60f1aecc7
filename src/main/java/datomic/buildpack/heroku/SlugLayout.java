package datomic.buildpack.heroku;

import java.nio.file.Path;

/**
 * Where the buildpack puts things in the app (the slug), in one place. Everything is relative to
 * the app root, which is {@code BUILD_DIR} at build time and {@code $HOME} (/app) on a dyno.
 */
public record SlugLayout(Path appDir) {
  public static final String DATOMIC_DIR = ".datomic";

  public Path datomicDir() {
    return appDir.resolve(DATOMIC_DIR);
  }

  /** The Datomic distribution (bin/transactor, lib/, ...). */
  public Path distDir() {
    return datomicDir().resolve("dist");
  }

  /** The buildpack's CLI jar, run at dyno boot by the launcher script. */
  public Path jar() {
    return datomicDir().resolve("buildpack.jar");
  }

  public Path binDir() {
    return datomicDir().resolve("bin");
  }

  /** The script the Procfile commands call. */
  public Path launcherScript() {
    return binDir().resolve("datomic-buildpack");
  }

  /**
   * Clojure sources shipped with the buildpack ({@code datomic_buildpack/}: the peer server's
   * main, the metrics callback), put on a Datomic process's classpath as a folder: Datomic
   * {@code require}s namespaces.
   */
  public Path cljDir() {
    return datomicDir().resolve("clj");
  }

  /** Logback configuration that sends the transactor's logs to stdout. */
  public Path logbackConfig() {
    return datomicDir().resolve("logback.xml");
  }

  /** What was installed (edition, version, checksum); never holds a secret. */
  public Path buildInfo() {
    return datomicDir().resolve("build.json");
  }

  public Path profileScript() {
    return appDir.resolve(".profile.d").resolve("datomic.sh");
  }

  public Path procfile() {
    return appDir.resolve("Procfile");
  }

  /** The app's own optional transactor settings. */
  public Path appProperties() {
    return appDir.resolve("transactor.properties");
  }

  public Path jdkDir() {
    return appDir.resolve(".jdk");
  }
}
