package datomic.buildpack.catalog;

import datomic.buildpack.files.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What the buildpack knows about Datomic releases, from {@code datomic-versions.json}: known
 * versions, the default, the licence cut-off, download URL templates, verified checksums (none
 * yet) and what to leave out of the slug.
 */
public final class VersionCatalog {
  private static final String RESOURCE = "/datomic/buildpack/datomic-versions.json";

  record Pro(String noCostSince, List<String> known, String noCostUrl, String legacyUrl) {
    static Pro of(Map<String, Object> json) throws IOException {
      return json == null ? null : new Pro(Json.string(json, "noCostSince"),
          Json.strings(json, "known"), Json.string(json, "noCostUrl"),
          Json.string(json, "legacyUrl"));
    }
  }

  record Free(String last, List<String> known, String url) {
    static Free of(Map<String, Object> json) throws IOException {
      return json == null ? null : new Free(Json.string(json, "last"),
          Json.strings(json, "known"), Json.string(json, "url"));
    }
  }

  record Data(String defaultVersion, Pro pro, Free free, Map<String, String> sha256,
      List<String> slugExclude, List<String> required, List<String> expected) {
    /** The file's fields (others, like comments, are ignored). */
    static Data of(Map<String, Object> json) throws IOException {
      Map<String, Object> checksums = Json.object(json, "sha256");
      Map<String, String> sha256 = null;
      if (checksums != null) {
        sha256 = new LinkedHashMap<>();
        for (String id : checksums.keySet()) {
          sha256.put(id, Json.string(checksums, id));
        }
      }
      return new Data(Json.string(json, "default"), Pro.of(Json.object(json, "pro")),
          Free.of(Json.object(json, "free")), sha256, Json.strings(json, "slugExclude"),
          Json.strings(json, "required"), Json.strings(json, "expected"));
    }
  }

  private final Data data;

  private VersionCatalog(Data data) {
    this.data = data;
    // Fail fast on a broken resource: every version in it must parse.
    DatomicVersion.of(data.defaultVersion());
    DatomicVersion.of(data.pro().noCostSince());
    DatomicVersion.of(data.free().last());
    data.pro().known().forEach(DatomicVersion::of);
    data.free().known().forEach(DatomicVersion::of);
    data.sha256().forEach((k, v) -> {
      if (!v.matches("[0-9a-f]{64}")) {
        throw new IllegalStateException("datomic-versions.json: bad sha256 for " + k);
      }
    });
  }

  public static VersionCatalog load() {
    try (InputStream in = VersionCatalog.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the buildpack");
      }
      return new VersionCatalog(Data.of(Json.read(in)));
    } catch (IOException e) {
      throw new UncheckedIOException("datomic-versions.json is unreadable", e);
    }
  }

  /** The version installed when {@code DATOMIC_VERSION} is not set. */
  public DatomicVersion defaultVersion(Edition edition) {
    return DatomicVersion.of(edition == Edition.FREE ? data.free().last() : data.defaultVersion());
  }

  /** First Pro version under the no-cost licence (public download, no licence key). */
  public DatomicVersion noCostSince() {
    return DatomicVersion.of(data.pro().noCostSince());
  }

  /** The last Free release; the edition is discontinued. */
  public DatomicVersion lastFree() {
    return DatomicVersion.of(data.free().last());
  }

  public boolean isKnown(Edition edition, DatomicVersion version) {
    List<String> known = edition == Edition.FREE ? data.free().known() : data.pro().known();
    return known.contains(version.toString());
  }

  public List<String> known(Edition edition) {
    return edition == Edition.FREE ? data.free().known() : data.pro().known();
  }

  /** Whether this Pro version is under a legacy (paid, credentialed) licence. */
  public boolean isLegacyPro(Edition edition, DatomicVersion version) {
    return edition == Edition.PRO && version.isBefore(noCostSince());
  }

  /** The publisher's download URL for this edition and version. */
  public String downloadUrl(Edition edition, DatomicVersion version) {
    String template = edition == Edition.FREE ? data.free().url()
        : isLegacyPro(edition, version) ? data.pro().legacyUrl() : data.pro().noCostUrl();
    return template.replace("{version}", version.toString());
  }

  /** A SHA-256 someone verified and shipped with the buildpack, if any. */
  public Optional<String> verifiedSha256(Edition edition, DatomicVersion version) {
    return Optional.ofNullable(data.sha256().get(edition.id() + "-" + version))
        .map(s -> s.toLowerCase(Locale.ROOT));
  }

  /** Paths (relative to the distribution, folders end in '/') left out of the slug. */
  public List<String> slugExclude() {
    return data.slugExclude();
  }

  /** Paths that must be in the distribution (folders end in '/'). */
  public List<String> required() {
    return data.required();
  }

  /** Paths normally in the distribution; a missing one is a warning. */
  public List<String> expected() {
    return data.expected();
  }
}
