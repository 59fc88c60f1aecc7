package datomic.buildpack.cli;

import picocli.CommandLine;

/** The buildpack's own version, from the jar manifest (or "dev" when run from classes). */
public final class BuildpackVersion implements CommandLine.IVersionProvider {
  public static String current() {
    String v = BuildpackVersion.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }

  @Override
  public String[] getVersion() {
    return new String[] {"datomic-buildpack " + current()};
  }
}
