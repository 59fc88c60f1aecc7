package datomic.buildpack.heroku;

import datomic.buildpack.distribution.DistributionCache;
import datomic.buildpack.files.Json;
import datomic.buildpack.files.Trees;
import datomic.buildpack.output.BuildLog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * Decides whether {@code CACHE_DIR} can be trusted: every reason to discard it (stack changed,
 * buildpack version changed) is printed, then the buildpack's part of the cache is cleared.
 */
public final class CacheMarker {
  /** What the buildpack owns in CACHE_DIR (other buildpacks may share the folder). */
  public static final String MARKER = "datomic-buildpack.json";

  record Marker(String stack, String buildpackVersion) {}

  private CacheMarker() {}

  /** Returns the reasons the cache was cleared (empty when it was kept). */
  public static List<String> check(Path cacheDir, String stack, String buildpackVersion,
      BuildLog log) throws IOException {
    Path file = cacheDir.resolve(MARKER);
    List<String> reasons = new ArrayList<>();
    if (Files.isRegularFile(file)) {
      Marker old;
      try {
        Map<String, Object> json = Json.read(file);
        old = new Marker(Json.string(json, "stack"), Json.string(json, "buildpackVersion"));
      } catch (IOException e) {
        old = new Marker(null, null);
        reasons.add("its marker file was unreadable");
      }
      if (!Objects.equals(old.stack(), stack)) {
        reasons.add("the stack changed from " + old.stack() + " to " + stack);
      }
      if (!Objects.equals(old.buildpackVersion(), buildpackVersion)) {
        reasons.add("the buildpack changed from " + old.buildpackVersion() + " to "
            + buildpackVersion);
      }
    }
    if (!reasons.isEmpty()) {
      log.step("Clearing the build cache");
      reasons.forEach(r -> log.detail("Because " + r + "."));
      // Checksums recorded on first download stay valid whatever the stack or buildpack.
      Path distributions = cacheDir.resolve(DistributionCache.FOLDER);
      if (Files.isDirectory(distributions)) {
        try (Stream<Path> children = Files.list(distributions)) {
          for (Path child : children.toList()) {
            if (!child.getFileName().toString().equals(DistributionCache.INDEX)) {
              Trees.delete(child);
            }
          }
        }
      }
      log.detail("Kept the checksums recorded on earlier downloads and the version the last build"
          + " installed.");
    }
    Files.createDirectories(cacheDir);
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("stack", stack);
    json.put("buildpackVersion", buildpackVersion);
    Json.writeCompact(file, json);
    return reasons;
  }

}
