package datomic.buildpack.files;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/** Files only their owner may read (mode 0600), for secrets handed to a process we start. */
public final class PrivateFile {
  private PrivateFile() {}

  /**
   * Writes {@code dir/name} with {@code content}, mode 0600 from its creation, replacing a file of
   * that name in one step (a reader sees the old file or the new one, never half of one).
   */
  public static Path replace(Path dir, String name, String content) throws IOException {
    Path target = dir.resolve(name);
    Path temp = dir.resolve("." + name + ".new");
    try {
      Files.deleteIfExists(temp);
      Files.createFile(temp, PosixFilePermissions.asFileAttribute(
          PosixFilePermissions.fromString("rw-------")));
      Files.writeString(temp, content, StandardCharsets.UTF_8, StandardOpenOption.WRITE);
      Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING,
          StandardCopyOption.ATOMIC_MOVE);
      return target;
    } finally {
      Files.deleteIfExists(temp);
    }
  }
}
