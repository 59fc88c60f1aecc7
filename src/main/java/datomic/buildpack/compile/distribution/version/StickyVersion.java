package datomic.buildpack.compile.distribution.version;

import datomic.buildpack.catalog.DatomicVersion;
import datomic.buildpack.catalog.Edition;
import datomic.buildpack.catalog.VersionCatalog;
import datomic.buildpack.compile.distribution.DistributionCache;
import datomic.buildpack.compile.distribution.InstalledDistribution;
import datomic.buildpack.config.Advice;
import datomic.buildpack.files.Json;
import datomic.buildpack.output.Log;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The version a build installs when {@code DATOMIC_VERSION} is not set: the one the last build
 * installed, recorded in {@code CACHE_DIR/datomic-version.json}, so a buildpack update never moves
 * an app to another Datomic on its own (Heroku's Python buildpack does the same: "same version as
 * the last build"). Without a record (a first build, a cleared cache) it is the newest version this
 * buildpack knows. Either way the build warns that the version is not pinned and prints the
 * {@code heroku config:set} line that pins it, or moves to a newer one.
 *
 * <p>The record outlives the cache clearing on a stack or buildpack change (it is not under
 * {@code CACHE_DIR/datomic/}); only purging the build cache forgets it.
 */
public final class StickyVersion {
  /** The record in CACHE_DIR: edition and version of the last build's Datomic. */
  public static final String FILE = "datomic-version.json";

  private final Path cacheDir;
  private final VersionCatalog catalog;
  private final Log log;

  public StickyVersion(Path cacheDir, VersionCatalog catalog, Log log) {
    this.cacheDir = cacheDir;
    this.catalog = catalog;
    this.log = log;
  }

  /** The version to install for {@code edition} when DATOMIC_VERSION is not set, with a warning. */
  public DatomicVersion choose(Edition edition) {
    DatomicVersion newest = catalog.defaultVersion(edition);
    Optional<DatomicVersion> last = last(edition);
    String name = edition.displayName();
    if (last.isEmpty()) {
      log.warning("DATOMIC_VERSION is not set: installing " + name + " " + newest + ", the newest"
              + " version this buildpack knows.",
          "No earlier build recorded a version in the build cache. Later builds keep this one"
              + " until you set DATOMIC_VERSION; a cleared build cache moves to the newest again.",
          "Pin it, so every build installs exactly this version:",
          "  " + Advice.build().configSet("DATOMIC_VERSION", newest.toString()));
      return newest;
    }
    DatomicVersion version = last.get();
    if (version.isBefore(newest)) {
      log.warning("DATOMIC_VERSION is not set: using " + name + " " + version + ", the same version"
              + " as the last build.",
          "A newer version is known to this buildpack: " + newest + ". To move to it:",
          "  " + Advice.build().configSet("DATOMIC_VERSION", newest.toString()),
          "To keep " + version + " for good (a cleared build cache would move to " + newest + "):",
          "  " + Advice.build().configSet("DATOMIC_VERSION", version.toString()));
    } else {
      log.warning("DATOMIC_VERSION is not set: using " + name + " " + version + ", the same version"
              + " as the last build.",
          "Pin it, so a cleared build cache cannot change it:",
          "  " + Advice.build().configSet("DATOMIC_VERSION", version.toString()));
    }
    return version;
  }

  /** The version the last build installed for {@code edition}; empty without a usable record. */
  Optional<DatomicVersion> last(Edition edition) {
    if (cacheDir == null) {
      return Optional.empty();
    }
    Path file = cacheDir.resolve(FILE);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      Map<String, Object> json = Json.read(file);
      Optional<DatomicVersion> version = DatomicVersion.parse(Json.string(json, "version"));
      if (version.isEmpty() || Edition.parse(Json.string(json, "edition")).isEmpty()) {
        throw new IOException("no valid edition and version in it");
      }
      // Another edition's version (DATOMIC_EDITION changed) says nothing about this one.
      return edition.id().equals(Json.string(json, "edition")) ? version : Optional.empty();
    } catch (IOException | RuntimeException e) {
      log.detail("Ignored the record of the last build's Datomic version (" + FILE + "): "
          + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
      return Optional.empty();
    }
  }

  /**
   * Records what this build installed, for the next build; best effort (the cache is optional):
   * a failure is a detail line, never a failed build. Written to a temporary file and renamed, so
   * an interrupted build leaves the old record or the new one, never half of one.
   */
  public static void record(Path cacheDir, InstalledDistribution dist, Log log) {
    Path temp = cacheDir.resolve("." + FILE + "-" + UUID.randomUUID());
    try {
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("edition", dist.edition());
      json.put("version", dist.version());
      json.put("installed", Instant.now().toString());
      Files.createDirectories(cacheDir);
      Json.write(temp, json);
      DistributionCache.move(temp, cacheDir.resolve(FILE));
    } catch (IOException | RuntimeException e) {
      log.detail("Could not record the installed Datomic version in the build cache: "
          + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
    } finally {
      try {
        Files.deleteIfExists(temp);
      } catch (IOException ignored) {
        // nothing else to do
      }
    }
  }
}
