package datomic.buildpack.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream.UnicodeExtraFieldPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Entry names are read the same way from the stream and from the central directory, whatever
 * encoding the zip was written in, so the cross-check of the two does not refuse a sound zip.
 */
class ZipUnpackerNamesTest {
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
