package datomic.buildpack.compile;

import datomic.buildpack.compile.distribution.DistributionCache;
import datomic.buildpack.files.Json;
import datomic.buildpack.output.Log;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Decides whether {@code CACHE_DIR} can be trusted: every reason to discard it (stack changed,
 * buildpack version changed) is printed, then the buildpack's part of the cache is cleared.
 * Everything here is best effort: a cache that cannot be read, cleared or written (read-only,
 * full) is a note, and the build goes on (without the cache when it could not be cleared).
 * The marker is written whole or not at all, so a build reading it while another writes it sees
 * the old marker or the new one; a marker that cannot be read anyway is a note, not a change.
 */
public final class CacheMarker {
  /** What the buildpack owns in CACHE_DIR (other buildpacks may share the folder). */
  public static final String MARKER = "datomic-buildpack.json";

  record Marker(String stack, String buildpackVersion) {}

  /**
   * The outcome: the reasons the cache was cleared (empty when it was kept), and whether the
   * build may use it (not when it had to be cleared and could not be).
   */
  public record Outcome(List<String> reasons, boolean usable) {}

  private CacheMarker() {}

  public static Outcome check(Path cacheDir, String stack, String buildpackVersion,
      Log log) {
    Path file = cacheDir.resolve(MARKER);
    List<String> reasons = new ArrayList<>();
    Marker old = read(file, log);
    if (old != null) {
      if (!Objects.equals(old.stack(), stack)) {
        reasons.add("the stack changed from " + old.stack() + " to " + stack);
      }
      if (!Objects.equals(old.buildpackVersion(), buildpackVersion)) {
        reasons.add("the buildpack changed from " + old.buildpackVersion() + " to "
            + buildpackVersion);
      }
    }
    boolean usable = true;
    if (!reasons.isEmpty()) {
      log.step("Clearing the build cache");
      reasons.forEach(r -> log.detail("Because " + r + "."));
      try {
        // Checksums recorded on first download stay valid whatever the stack or buildpack.
        DistributionCache.clear(cacheDir);
        log.detail("Kept the checksums recorded on earlier downloads.");
      } catch (IOException | RuntimeException e) {
        usable = false;
        log.detail("Could not clear it (" + reason(e) + "); building without the build cache.");
      }
      log.detail("Kept the checksums recorded on earlier downloads and the version the last build"
          + " installed.");
    }
    Marker now = new Marker(stack, buildpackVersion);
    // Field by field: a record's own equals costs start-up time (see StartupClassesIT).
    boolean same = old != null && Objects.equals(old.stack(), stack)
        && Objects.equals(old.buildpackVersion(), buildpackVersion);
    if (usable && !same) {
      write(cacheDir, file, now, log);
    }
    return new Outcome(List.copyOf(reasons), usable);
  }

  /** The marker, or null when there is none or it cannot be read (with a note). */
  private static Marker read(Path file, Log log) {
    if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      return null;
    }
    try {
      if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
        throw new IOException("it is not a regular file");
      }
      Map<String, Object> json = Json.read(file);
      return new Marker(Json.string(json, "stack"), Json.string(json, "buildpackVersion"));
    } catch (IOException | RuntimeException e) {
      log.detail("The build cache's marker (" + MARKER + ") could not be read (" + reason(e)
          + "); keeping the cache, whose entries are checked when used, and writing it again.");
      return null;
    }
  }

  private static void write(Path cacheDir, Path file, Marker marker, Log log) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("stack", marker.stack());
    json.put("buildpackVersion", marker.buildpackVersion());
    try {
      Files.createDirectories(cacheDir);
      Json.writeCompact(file, json); // whole or not at all: a temporary file, then a rename
    } catch (IOException | RuntimeException e) {
      log.detail("Could not write the build cache's marker (" + reason(e) + "); the cache is"
          + " read-only or full, and the build goes on without writing to it.");
    }
  }

  private static String reason(Throwable e) {
    if (e instanceof FileSystemException f && f.getReason() != null) {
      return f.getFile() + ": " + f.getReason();
    }
    String message = e.getMessage();
    return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
  }
}
