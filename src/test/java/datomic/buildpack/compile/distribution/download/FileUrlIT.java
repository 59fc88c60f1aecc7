package datomic.buildpack.compile.distribution.download;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import datomic.buildpack.compile.distribution.Fixture;
import datomic.buildpack.testsupport.BuildFixture;
import datomic.buildpack.testsupport.Repo;
import datomic.buildpack.testsupport.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code file:} URL that does not lead to a readable zip file: each case gets its own message,
 * none is "damaged, run again", and none makes the build wait.
 */
class FileUrlIT {
  @TempDir
  Path dir;
  private Path cache;
  private Path target;

  @BeforeEach
  void setUp() throws Exception {
    cache = Files.createDirectories(dir.resolve("work/cache"));
    target = dir.resolve("work/build/.datomic/dist");
  }

  private Fixture.Run install(String url) {
    return assertTimeoutPreemptively(Duration.ofSeconds(60),
        () -> Fixture.install(Map.of("DATOMIC_DOWNLOAD_URL", url), cache, target, Fixture.fast()),
        "the build waited on " + url);
  }

  private static void assertRefused(Fixture.Run run, String detail) {
    assertNotNull(run.error(), run::all);
    assertEquals("Could not read the Datomic zip.", run.error().summary(), run.all());
    assertTrue(run.all().contains(detail), run.all());
    assertFalse(run.all().contains("damaged"), run.all());
    assertFalse(run.all().contains("run the build again"), run.all());
  }

  private void assertNothingLeft() {
    Fixture.assertNoCacheEntry(cache);
    assertFalse(Files.exists(target));
    assertEquals(List.of(), Fixture.list(target.getParent()));
  }

  @Test
  void aFolderIsNamedAsAFolderWithTheZipsItHolds() throws Exception {
    Path folder = Files.createDirectories(dir.resolve("mirror"));
    Fixture.fake().writeTo(folder.resolve("datomic-pro-1.0.7622.zip"));
    assertRefused(install(folder.toUri().toString()),
        folder + " is a folder, not a zip file (it holds datomic-pro-1.0.7622.zip)");
    assertNothingLeft();
  }

  /** The issue's own example. */
  @Test
  void fileEtcIsAFolder() {
    assertRefused(install("file:///etc"), "/etc is a folder, not a zip file");
  }

  @Test
  void aMissingFileNamesWhatItsFolderHolds() throws Exception {
    Path folder = Files.createDirectories(dir.resolve("mirror"));
    Fixture.fake().writeTo(folder.resolve("datomic-pro-1.0.7622.zip"));
    assertRefused(install(folder.resolve("datomic-pro-1.0.7621.zip").toUri().toString()),
        "there is no file at " + folder.resolve("datomic-pro-1.0.7621.zip") + " (" + folder
            + " holds datomic-pro-1.0.7622.zip)");
    assertRefused(install(dir.resolve("nowhere/x.zip").toUri().toString()),
        "(there is no folder " + dir.resolve("nowhere") + " either)");
  }

  @Test
  void aDanglingLinkAndALinkLoopAreNamed() throws Exception {
    Path dangling = Files.createSymbolicLink(dir.resolve("dangling.zip"), dir.resolve("gone.zip"));
    assertRefused(install(dangling.toUri().toString()),
        dangling + " is a link to " + dir.resolve("gone.zip") + ", which does not exist");
    Path a = dir.resolve("a.zip");
    Files.createSymbolicLink(a, dir.resolve("b.zip"));
    Files.createSymbolicLink(dir.resolve("b.zip"), a);
    assertRefused(install(a.toUri().toString()),
        "cannot read " + a + ": too many levels of symbolic links");
  }

  /** Opening a FIFO waits for a writer: it is refused before it is opened. */
  @Test
  void aFifoIsRefusedWithoutWaitingForAWriter() {
    Path fifo = dir.resolve("datomic.zip");
    Run.Result made = Run.of("mkfifo", fifo.toString()).go();
    assertEquals(0, made.exitCode(), made.toString());
    assertRefused(install(fifo.toUri().toString()),
        fifo + " is a named pipe (FIFO), not a zip file");
    assertNothingLeft();
  }

  /** /dev/zero never ends; /dev/null is empty: neither is read. */
  @Test
  void aDeviceIsRefused() {
    assertRefused(install("file:///dev/zero"), "/dev/zero is a character device, not a zip file");
    assertRefused(install("file:///dev/null"), "/dev/null is a character device, not a zip file");
  }

  /**
   * A zip the build may not read says so, through the real bin/compile. Root reads anything, so
   * as root the build runs as nobody (as PostgresServer runs its server); otherwise the file's
   * modes are removed.
   */
  @Test
  void aFileTheBuildMayNotReadSaysPermissionDenied() throws Exception {
    boolean root = "root".equals(System.getProperty("user.name"));
    // Not below @TempDir (0700): nobody must reach the build, cache and env folders.
    Path base = Files.createTempDirectory(Path.of("/tmp"), "file-url-");
    try {
      Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwxr-xr-x"));
      Path zip = Fixture.fake().writeTo(base.resolve("datomic-pro-1.0.7622.zip"));
      Files.setPosixFilePermissions(zip, PosixFilePermissions.fromString(root ? "rw-------"
          : "---------"));
      Path build = base.resolve("build");
      BuildFixture.copyTree(Repo.app("minimal-transactor"), build);
      Path cacheDir = Files.createDirectories(base.resolve("cache"));
      Path env = Files.createDirectories(base.resolve("env"));
      Files.writeString(env.resolve("DATOMIC_DOWNLOAD_URL"), zip.toUri().toString());
      List<String> command = new ArrayList<>();
      if (root) {
        for (Path p : List.of(build, cacheDir, env)) {
          assertEquals(0, Run.of("chown", "-R", "65534:65534", p.toString()).go().exitCode());
        }
        command.addAll(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
            "--"));
      }
      command.addAll(List.of(Repo.bin("compile"), build.toString(), cacheDir.toString(),
          env.toString()));
      Run.Result r = Run.of(command).go();
      assertEquals(1, r.exitCode(), r.toString());
      assertTrue(r.stderr().contains(" !     Error: Could not read the Datomic zip."), r.toString());
      assertTrue(r.stderr().contains("cannot read " + zip + ": permission denied (the build runs"
          + " as " + (root ? "nobody" : System.getProperty("user.name")) + ")"), r.toString());
      assertFalse(r.all().contains("damaged"), r.toString());
    } finally {
      Run.of("rm", "-rf", base.toString()).go();
    }
  }

  /** An I/O error while reading is the file's problem, not a damaged zip. */
  @Test
  void aReadErrorIsReportedAsReadingTheFileFailing() {
    // A regular file (to stat) whose first read fails with EIO.
    assertRefused(install("file:///proc/self/mem"),
        "reading /proc/self/mem failed after 0 bytes: input/output error");
  }
}
