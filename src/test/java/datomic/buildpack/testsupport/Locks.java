package datomic.buildpack.testsupport;

/**
 * Names for {@code @ResourceLock}: test classes run concurrently (junit-platform.properties),
 * except where they share what these name.
 */
public final class Locks {
  /** The Clojure runtime loaded in the test JVM (namespaces, vars, the Datomic peer). */
  public static final String CLOJURE = "datomic.buildpack.clojure-runtime";

  /** JVM-wide java.net defaults: Authenticator, ResponseCache, the HTTPS socket factory. */
  public static final String JAVA_NET_DEFAULTS = "datomic.buildpack.java-net-defaults";

  /**
   * The machine's Maven repository (~/.m2), which offline Maven builds of the CLI read: the
   * tests that run one hold it, so that their builds (each a JVM compiling the CLI) run one at a
   * time.
   */
  public static final String MAVEN_REPOSITORY = "datomic.buildpack.maven-repository";

  /**
   * Wall-clock time: a test that asserts an upper bound on how long something takes holds it,
   * so that no other such test runs beside it.
   */
  public static final String WALL_CLOCK = "datomic.buildpack.wall-clock";

  private Locks() {}
}
