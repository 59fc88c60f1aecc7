package datomic.buildpack.compile.distribution;

import static org.junit.jupiter.api.Assertions.assertFalse;

import datomic.buildpack.compile.distribution.download.DownloadPolicy;
import datomic.buildpack.config.ConfigRegistry;
import datomic.buildpack.config.Environment;
import datomic.buildpack.local.FakeDistribution;
import datomic.buildpack.output.Log;
import datomic.buildpack.output.UserError;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Shared helpers: fake zips, a fast policy, and an installer run that captures the build log. */
public final class Fixture {
  static final Path SOURCES = Path.of("test-fixtures/datomic-dist");

  private Fixture() {}

  public static FakeDistribution fake() {
    return FakeDistribution.from(SOURCES);
  }

  static byte[] bytes(FakeDistribution fake, Path dir) {
    try {
      Path zip = Files.createTempFile(dir, "fake", ".zip");
      fake.writeTo(zip);
      byte[] bytes = Files.readAllBytes(zip);
      Files.delete(zip);
      return bytes;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static DownloadPolicy fast() {
    return DownloadPolicy.defaults()
        // The read timeout is short for the stall tests (their servers stall 5 s), yet long
        // enough that a busy 2-core CI machine does not turn a healthy download into a retry.
        .withTimeouts(Duration.ofSeconds(5), Duration.ofMillis(2000))
        .withRetries(3, Duration.ofMillis(10));
  }

  /** The outcome of one install: a result or a user error, and what the build log showed. */
  public record Run(InstalledDistribution result, UserError error, String out, String err) {
    String log() {
      return out + err;
    }

    /** Everything a person sees, the error included. */
    public String all() {
      return log() + (error == null ? "" : error.summary() + "\n" + String.join("\n",
          error.advice()));
    }
  }

  public static Run install(Map<String, String> vars, Path cache, Path target, DownloadPolicy policy) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Log log = new Log(new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    DistributionInstaller installer = new DistributionInstaller(ConfigRegistry.load(),
        Environment.of(vars), log, policy);
    InstalledDistribution result = null;
    UserError error = null;
    try {
      result = installer.install(cache, target);
    } catch (UserError e) {
      error = e;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Run(result, error, out.toString(StandardCharsets.UTF_8),
        err.toString(StandardCharsets.UTF_8));
  }

  /** Names of what is in {@code dir} (not recursive; empty if it does not exist). */
  public static List<String> list(Path dir) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The cache holds no entry and no staging folder (only, perhaps, index.json). */
  public static void assertNoCacheEntry(Path cache) {
    List<String> names = list(cache.resolve("datomic"));
    assertFalse(names.stream().anyMatch(n -> !n.equals("index.json")),
        "cache should hold no entry or leftover, but holds " + names);
  }

  /** Every file below {@code root} as text, to search for leaked secrets. */
  static String allText(Path root) {
    if (!Files.exists(root)) {
      return "";
    }
    StringBuilder sb = new StringBuilder();
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.toList()) {
        sb.append(p).append('\n');
        if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) && Files.size(p) < 1_000_000) {
          sb.append(new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1)).append('\n');
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return sb.toString();
  }
}
