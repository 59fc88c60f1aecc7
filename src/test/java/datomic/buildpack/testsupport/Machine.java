package datomic.buildpack.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Simulations of other machines: a build image without a JVM, a bare buildpack checkout. */
public final class Machine {
  private Machine() {}

  /** A folder to use as PATH holding every command of this machine except the JVM's. */
  public static Path pathWithoutJava(Path dir) {
    try {
      Files.createDirectories(dir);
      for (String bin : new String[] {"/usr/local/bin", "/usr/bin", "/bin"}) {
        try (Stream<Path> commands = Files.list(Path.of(bin))) {
          for (Path c : commands.toList()) {
            String name = c.getFileName().toString();
            Path link = dir.resolve(name);
            if (!name.startsWith("java") && !name.startsWith("jshell") && !Files.exists(link)) {
              Files.createSymbolicLink(link, c);
            }
          }
        }
      }
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A copy of the buildpack as a fresh clone has it: the files git tracks or would track (none
   * of target/), so tests see the working tree without writing into it.
   */
  public static Path buildpackCheckout(Path dir) {
    Repo.requireIntegrationTier("a copy of the buildpack checkout");
    Run.Result files = Run.of("git", "ls-files", "-z", "--cached", "--others",
        "--exclude-standard").in(Repo.root()).go();
    if (files.exitCode() != 0) {
      throw new IllegalStateException("git ls-files failed: " + files);
    }
    try {
      for (String name : files.stdout().split("\0")) {
        Path from = Repo.root().resolve(name);
        if (name.isEmpty() || !Files.exists(from)) {
          continue;
        }
        Path to = dir.resolve(name);
        Files.createDirectories(to.getParent());
        Files.copy(from, to, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
      }
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The JDK running the tests. */
  public static Path jdkHome() {
    return Path.of(System.getProperty("java.home"));
  }
}
