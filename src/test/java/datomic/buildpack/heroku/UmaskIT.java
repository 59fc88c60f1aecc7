package datomic.buildpack.heroku;

import static org.junit.jupiter.api.Assertions.assertEquals;

import datomic.buildpack.testsupport.BuildFixture;
import datomic.buildpack.testsupport.Repo;
import datomic.buildpack.testsupport.Run;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A build that runs with a umask of 000 (nothing masked) still leaves the installed Datomic and
 * its cache entry writable by their owner only: modes are set, not left to the umask.
 */
class UmaskIT {
  @TempDir Path tmp;

  @Test
  void aUmaskOf000LeavesNoDistributionFileWritableByOthers() throws IOException {
    try (BuildFixture app = BuildFixture.of("minimal-transactor", tmp).withDistribution()) {
      Run.Result r = Run.of("sh", "-c", "umask 000 && exec \"$@\"", "sh", Repo.bin("compile"),
          app.build().toString(), app.cache().toString(), app.env().toString()).go();
      assertEquals(0, r.exitCode(), r.toString());
      List<String> writable = new ArrayList<>();
      writable.addAll(writableByOthers(app.build().resolve(".datomic/dist")));
      writable.addAll(writableByOthers(app.cache().resolve("datomic")));
      assertEquals(List.of(), writable, "group- or world-writable after a build with umask 000");
    }
  }

  /** Files and folders (not links, whose mode means nothing) that others may write to. */
  private static List<String> writableByOthers(Path root) throws IOException {
    try (Stream<Path> walk = Files.walk(root)) {
      return walk.filter(p -> !Files.isSymbolicLink(p)).map(p -> p + " " + perms(p))
          .filter(line -> {
            String mode = line.substring(line.length() - 9);
            return mode.charAt(4) == 'w' || mode.charAt(7) == 'w';
          }).toList();
    }
  }

  private static String perms(Path p) {
    try {
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
      return PosixFilePermissions.toString(perms);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
