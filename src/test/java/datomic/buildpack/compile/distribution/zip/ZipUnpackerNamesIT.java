package datomic.buildpack.compile.distribution.zip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import datomic.buildpack.compile.distribution.Fixture;
import datomic.buildpack.compile.distribution.download.DownloadPolicy;
import datomic.buildpack.testsupport.BuildFixture;
import datomic.buildpack.testsupport.Repo;
import datomic.buildpack.testsupport.Run;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream.UnicodeExtraFieldPolicy;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Entry names are read the same way from the stream and from the central directory, whatever
 * encoding the zip was written in, so the cross-check of the two does not refuse a sound zip; a
 * name the build's locale cannot write is refused with that reason.
 */
class ZipUnpackerNamesIT {
  private static final String TOP = "datomic-pro-1.0.7622";

  @TempDir
  Path dir;

  @Test
  void aCp437ZipWithUnicodePathExtraFieldsUnpacks() throws Exception {
    // As old Windows tools write them: names in CP437, no UTF-8 flag, and the Unicode name in an
    // extra field (which the central directory reader cannot apply without the local headers).
    Path zip = dir.resolve(TOP + ".zip");
    try (ZipArchiveOutputStream out = new ZipArchiveOutputStream(Files.newOutputStream(zip))) {
      out.setEncoding("CP437");
      out.setUseLanguageEncodingFlag(false);
      out.setCreateUnicodeExtraFields(UnicodeExtraFieldPolicy.ALWAYS);
      directory(out, TOP + "/");
      directory(out, TOP + "/bin/");
      file(out, TOP + "/bin/transactor", "#!/bin/sh\n", 0100755);
      directory(out, TOP + "/doc/");
      file(out, TOP + "/doc/café.txt", "crème\n", 0100644);
    }
    Path tree = dir.resolve("tree");
    ZipUnpacker.Result result;
    try (InputStream in = Files.newInputStream(zip)) {
      result = new ZipUnpacker(DownloadPolicy.defaults(), List.of()).unpack(in, TOP, tree);
    }
    assertEquals(2, result.files());
    assertTrue(Files.isExecutable(tree.resolve("bin/transactor")), "mode from the directory");
    List<Path> docs;
    try (Stream<Path> s = Files.list(tree.resolve("doc"))) {
      docs = s.toList();
    }
    assertEquals(1, docs.size(), docs::toString);
    assertEquals("crème\n", Files.readString(docs.get(0)));
  }

  /**
   * A build in the C locale (file names in ASCII only) cannot write a non-ASCII name: the zip is
   * refused with that reason, not a crash, and nothing is left behind.
   */
  @Test
  void aNameTheSystemCannotWriteIsRefusedClearly() throws Exception {
    Path zip = dir.resolve("in/" + TOP + ".zip");
    Files.createDirectories(zip.getParent());
    Fixture.fake().extraEntry(TOP + "/doc/caf\u00e9.txt", "x".getBytes(StandardCharsets.UTF_8))
        .writeTo(zip);
    Path build = dir.resolve("build");
    BuildFixture.copyTree(Repo.app("minimal-transactor"), build);
    Path env = Files.createDirectories(dir.resolve("env"));
    Files.writeString(env.resolve("DATOMIC_DOWNLOAD_URL"), zip.toUri().toString());
    Files.writeString(env.resolve("DATOMIC_VERSION"), "1.0.7622");
    Run.Result r = Run.of(ProcessHandle.current().info().command().orElse("java"), "-jar",
            Repo.jar().toString(), "compile",
            build.toString(), Files.createDirectories(dir.resolve("cache")).toString(),
            env.toString())
        .env("LC_ALL", "C").env("LANG", "C").go();
    assertEquals(1, r.exitCode(), r.toString());
    assertTrue(r.stderr().contains(" !     Error: Refused to unpack the Datomic zip"), r.stderr());
    assertTrue(r.stderr().contains("has a name this system cannot write in its character set"),
        r.stderr());
    assertFalse(r.stderr().contains("unexpectedly"), r.stderr());
    assertFalse(Files.exists(build.resolve(".datomic/dist")));
    assertEquals(List.of(), Fixture.list(build.resolve(".datomic")), "nothing half-written");
  }

  private static void directory(ZipArchiveOutputStream out, String name) throws IOException {
    ZipArchiveEntry entry = new ZipArchiveEntry(name);
    entry.setUnixMode(040755);
    out.putArchiveEntry(entry);
    out.closeArchiveEntry();
  }

  private static void file(ZipArchiveOutputStream out, String name, String text, int mode)
      throws IOException {
    ZipArchiveEntry entry = new ZipArchiveEntry(name);
    entry.setUnixMode(mode);
    out.putArchiveEntry(entry);
    out.write(text.getBytes(StandardCharsets.UTF_8));
    out.closeArchiveEntry();
  }
}
