package datomic.buildpack.dyno;

import datomic.buildpack.config.Environment;
import datomic.buildpack.files.PrivateFile;
import datomic.buildpack.files.Trees;
import datomic.buildpack.output.UserError;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * This dyno's private runtime folder, for files that hold secrets only the process it starts may
 * read (the transactor's properties, a pgpass file, the peer server's arguments). One folder per
 * dyno, mode 0700: {@code $TMPDIR/datomic-<DYNO>-<app>} (the process type stands in for
 * {@code DYNO} in a local run; {@code <app>} is a short hash of the app folder, so two local apps
 * never share one). It is emptied at each boot and its files are replaced, never added to, so
 * nothing accumulates in {@code /tmp} however often a process restarts.
 */
public final class RuntimeDir {
  static final Set<PosixFilePermission> PRIVATE_DIR = PosixFilePermissions.fromString("rwx------");
  /** A one-off command's folder: {@code <command>-<pid>}. */
  private static final Pattern COMMAND_FOLDER = Pattern.compile("[a-z][a-z-]*-([0-9]+)");

  private final Path path;

  private RuntimeDir(Path path) {
    this.path = path;
  }

  /**
   * The folder of this dyno (emptied: a boot starts from nothing).
   *
   * @param process the process type, naming the folder when {@code DYNO} is not set
   */
  public static RuntimeDir forBoot(Environment env, String process, Path appDir) {
    RuntimeDir dir = open(env, process, appDir);
    dir.clear();
    return dir;
  }

  /** The folder of this dyno as it is (for a one-off command that adds a file of its own). */
  public static RuntimeDir open(Environment env, String process, Path appDir) {
    Path tmp = Path.of(env.get("TMPDIR").orElse(System.getProperty("java.io.tmpdir", "/tmp")));
    String dyno = env.get("DYNO").orElse(process).replaceAll("[^A-Za-z0-9._-]", "_");
    return at(tmp.resolve("datomic-" + dyno + "-" + shortHash(appDir)));
  }

  /**
   * A private folder of its own for one run of a one-off command (a backup), inside this dyno's
   * folder: it never replaces or deletes the files of a process already running there (a peer
   * server's pgpass), nor those of the same command running at the same time. Named
   * {@code <command>-<pid>}: the folders of commands whose process is gone (killed before it
   * could clean up) are deleted first, here and at every boot ({@link #forBoot}). The command
   * deletes its own folder when it ends ({@link #delete}), also when stopped by a signal.
   */
  public static RuntimeDir forCommand(Environment env, String command, Path appDir) {
    RuntimeDir dyno = open(env, command, appDir);
    dyno.deleteStaleCommandFolders();
    return at(dyno.path.resolve(command + "-" + ProcessHandle.current().pid()));
  }

  /** The folder at {@code path}, created private if missing, refused unless it is ours. */
  static RuntimeDir at(Path path) {
    try {
      Files.createDirectories(path.getParent());
      try {
        Files.createDirectory(path, PosixFilePermissions.asFileAttribute(PRIVATE_DIR));
      } catch (FileAlreadyExistsException e) {
        // reused across boots: checked below
      }
      PosixFileAttributes attrs = Files.readAttributes(path, PosixFileAttributes.class,
          LinkOption.NOFOLLOW_LINKS);
      if (!attrs.isDirectory() || !ownedByUs(path)) {
        throw new UserError("The runtime folder " + path + " is not a private folder of this"
                + " user.",
            "It holds secrets for Datomic, so it must be a folder (not a link) this user owns.",
            "Remove it, or point TMPDIR at a folder only this user can write to.");
      }
      if (!attrs.permissions().equals(PRIVATE_DIR)) {
        Files.setPosixFilePermissions(path, PRIVATE_DIR);
      }
      return new RuntimeDir(path);
    } catch (IOException e) {
      throw new UserError("Could not prepare the runtime folder " + path + ": " + e.getMessage(),
          "Check that TMPDIR (or /tmp) is writable.").withCause(e);
    }
  }

  public Path path() {
    return path;
  }

  /**
   * Writes {@code name} with {@code content}, readable only by this user, replacing any file of
   * that name in one step (a reader sees the old file or the new one, never half of one).
   */
  public Path write(String name, String content) {
    try {
      return PrivateFile.replace(path, name, content);
    } catch (IOException e) {
      throw new UserError("Could not write " + path.resolve(name) + ": " + e.getMessage(),
          "Check that TMPDIR (or /tmp) is writable and not full.").withCause(e);
    }
  }

  /**
   * Deletes what an earlier boot of this dyno left: its files, and the folders of one-off
   * commands that are no longer running ({@link #forCommand}). The folder of a command still
   * running on this dyno (a backup beside a peer server) is left alone.
   */
  void clear() {
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(path)) {
      for (Path entry : entries) {
        if (!Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
          Files.deleteIfExists(entry);
        } else if (!runningCommand(entry)) {
          Trees.delete(entry);
        }
      }
    } catch (IOException e) {
      throw new UserError("Could not empty the runtime folder " + path + ": " + e.getMessage(),
          "Remove it, or point TMPDIR at a folder only this user can write to.").withCause(e);
    }
  }

  /** Deletes the folders of commands whose process has ended, leaving this folder's files. */
  void deleteStaleCommandFolders() {
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(path)) {
      for (Path entry : entries) {
        if (Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS) && !runningCommand(entry)) {
          Trees.delete(entry);
        }
      }
    } catch (IOException e) {
      throw new UserError("Could not delete what an ended command left in the runtime folder "
              + path + ": " + e.getMessage(),
          "Remove it, or point TMPDIR at a folder only this user can write to.").withCause(e);
    }
  }

  /**
   * Deletes this folder and all it holds (a command's folder, when the command ends); quiet
   * when it is already gone. Safe to call twice, from a shutdown hook and the command at once.
   */
  public void delete() throws IOException {
    synchronized (RuntimeDir.class) {
      if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
        Trees.delete(path);
      }
    }
  }

  /**
   * Whether {@code folder} is a {@code <command>-<pid>} folder whose process still runs: that
   * pid is alive and started before the folder was last changed (a later process with the same
   * pid is not its owner). Start times are known to the second, hence the margin.
   */
  static boolean runningCommand(Path folder) throws IOException {
    Matcher m = COMMAND_FOLDER.matcher(folder.getFileName().toString());
    if (!m.matches() || m.group(1).length() > 18) {
      return false;
    }
    Optional<ProcessHandle> process = ProcessHandle.of(Long.parseLong(m.group(1)));
    if (process.isEmpty() || !process.get().isAlive()) {
      return false;
    }
    Optional<Instant> started = process.get().info().startInstant();
    Instant changed = Files.getLastModifiedTime(folder, LinkOption.NOFOLLOW_LINKS).toInstant();
    return started.isEmpty() || !started.get().isAfter(changed.plusSeconds(2));
  }

  /** Whether this process's user owns {@code path} (Linux: {@code /proc/self}'s owner is us). */
  private static boolean ownedByUs(Path path) throws IOException {
    Path self = Path.of("/proc/self");
    if (!Files.exists(self)) {
      return true; // not Linux (a developer's machine): the mode check still applies
    }
    return Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS)
        .equals(Files.getAttribute(self, "unix:uid"));
  }

  private static String shortHash(Path appDir) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(
          appDir.toAbsolutePath().normalize().toString().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 4);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
