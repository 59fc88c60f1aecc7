package datomic.buildpack.files;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;

/** Copying, sizing and deleting folder trees, never following symlinks. */
public final class Trees {
  private Trees() {}

  /**
   * What a copied or linked tree holds: its regular files, their bytes, and a fingerprint of every
   * file's path, size, mode and modification time (to the second). Any write or chmod changes it,
   * whatever the order a file system lists the files in.
   */
  public record Counts(int files, long bytes, String fingerprint) {
    /**
     * The same counts. (A record's own {@code equals} is bootstrapped through invokedynamic on
     * first use, about 15 ms of start-up on a warm build.)
     */
    public boolean sameAs(Counts other) {
      return files == other.files && bytes == other.bytes
          && fingerprint.equals(other.fingerprint);
    }
  }

  /** Copies {@code from} to {@code to} (which must not exist) keeping modes and links. */
  public static long copy(Path from, Path to) throws IOException {
    return place(from, to, false).bytes();
  }

  /**
   * Makes {@code to} (which must not exist) the same tree as {@code from} without copying bytes
   * where it can: folders are created with their modes, symlinks recreated, and each regular file
   * becomes a hard link to the same file when both trees are on one file system, else a copy (from
   * the first file that cannot be linked on). Both names then share one file: writing to it in
   * place changes both.
   */
  public static Counts link(Path from, Path to) throws IOException {
    return place(from, to, true);
  }

  private static Counts place(Path from, Path to, boolean tryLinks) throws IOException {
    Tally tally = new Tally();
    AtomicBoolean linking = new AtomicBoolean(tryLinks);
    if (to.getParent() != null) {
      Files.createDirectories(to.getParent());
    }
    Files.walkFileTree(from, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs)
          throws IOException {
        Path target = to.resolve(from.relativize(dir).toString());
        Files.createDirectory(target, PosixFilePermissions.asFileAttribute(
            Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS)));
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        String rel = from.relativize(file).toString();
        Path target = to.resolve(rel);
        if (!attrs.isRegularFile()) {
          Files.copy(file, target, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
          return FileVisitResult.CONTINUE;
        }
        PosixFileAttributes posix = posix(file);
        if (!linking.get() || !tryLink(file, target)) {
          linking.set(false);
          copyFile(file, target, posix);
        }
        tally.add(rel, posix);
        return FileVisitResult.CONTINUE;
      }
    });
    return tally.counts();
  }

  /**
   * The counts of the tree as it is on disk (for a tree just copied to a file system that cannot
   * keep every mode or time, these are what a later {@link #link} from it will find).
   */
  public static Counts counts(Path root) throws IOException {
    Tally tally = new Tally();
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        if (attrs.isRegularFile()) {
          tally.add(root.relativize(file).toString(), posix(file));
        }
        return FileVisitResult.CONTINUE;
      }
    });
    return tally.counts();
  }

  private static PosixFileAttributes posix(Path file) throws IOException {
    return Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
  }

  /** Regular files counted as a walk meets them. */
  private static final class Tally {
    private int files;
    private long bytes;
    private long fingerprint;

    void add(String rel, PosixFileAttributes posix) {
      files++;
      bytes += posix.size();
      fingerprint += fingerprint(rel, posix); // a sum: the listing order does not matter
    }

    Counts counts() {
      return new Counts(files, bytes, Long.toHexString(fingerprint));
    }
  }

  /** A CRC-32 of one file's path, size, mode and modification time in seconds. */
  private static long fingerprint(String rel, PosixFileAttributes posix) {
    CRC32 crc = new CRC32();
    crc.update((rel + '\0' + posix.size() + '\0' + PosixFilePermissions.toString(
        posix.permissions()) + '\0' + posix.lastModifiedTime().to(TimeUnit.SECONDS))
        .getBytes(StandardCharsets.UTF_8));
    return crc.getValue();
  }

  /** A hard link, or false when this file system (or these two places) cannot have one. */
  private static boolean tryLink(Path file, Path target) {
    try {
      Files.createLink(target, file);
      return true;
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      return false; // another file system (EXDEV), no links there (EPERM), too many (EMLINK)
    }
  }

  /**
   * Copies one regular file with {@link FileChannel#transferTo} (in-kernel on Linux: much faster
   * than {@code Files.copy} on JDK 17), keeping its permissions and modification time (as
   * {@code cp -a} does; a copy then has the same fingerprint as its original).
   */
  private static void copyFile(Path from, Path to, PosixFileAttributes attrs) throws IOException {
    try (FileChannel in = FileChannel.open(from, StandardOpenOption.READ);
        FileChannel out = FileChannel.open(to, EnumSet.of(StandardOpenOption.CREATE_NEW,
            StandardOpenOption.WRITE), PosixFilePermissions.asFileAttribute(attrs.permissions()))) {
      long size = attrs.size();
      long done = 0;
      while (done < size) {
        long n = in.transferTo(done, size - done, out);
        if (n <= 0) {
          break;
        }
        done += n;
      }
    }
    // the umask may have narrowed the mode given at creation
    Files.setPosixFilePermissions(to, attrs.permissions());
    Files.setLastModifiedTime(to, attrs.lastModifiedTime());
  }

  /** Total size of the regular files below {@code root}. */
  public static long size(Path root) throws IOException {
    AtomicLong bytes = new AtomicLong();
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
        if (attrs.isRegularFile()) {
          bytes.addAndGet(attrs.size());
        }
        return FileVisitResult.CONTINUE;
      }
    });
    return bytes.get();
  }

  /** Deletes {@code root} and everything below it, if it exists; links are removed, not followed. */
  public static void delete(Path root) throws IOException {
    if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
      Files.deleteIfExists(root);
      return;
    }
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs)
          throws IOException {
        // make sure we may delete what is inside (a zip can carry read-only folders)
        if (!Files.isWritable(dir) || !Files.isExecutable(dir)) {
          dir.toFile().setWritable(true, true);
          dir.toFile().setExecutable(true, true);
        }
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Files.deleteIfExists(file);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
        if (e instanceof NoSuchFileException) {
          return FileVisitResult.CONTINUE;
        }
        throw e;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
        if (e != null && !(e instanceof NoSuchFileException)) {
          throw e;
        }
        Files.deleteIfExists(dir);
        return FileVisitResult.CONTINUE;
      }
    });
  }

  /** Deletes quietly (for clean-up on a path that is already failing). */
  public static void deleteQuietly(Path root) {
    if (root == null) {
      return;
    }
    try {
      delete(root);
    } catch (IOException | RuntimeException ignored) {
      // best effort; the caller is already reporting a failure
    }
  }
}
