package datomic.buildpack.distribution;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
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

  @JsonIgnoreProperties(ignoreUnknown = true)
  record Pro(@JsonProperty("noCostSince") String noCostSince,
      @JsonProperty("known") List<String> known,
      @JsonProperty("noCostUrl") String noCostUrl,
      @JsonProperty("legacyUrl") String legacyUrl) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  record Free(@JsonProperty("last") String last,
      @JsonProperty("known") List<String> known,
      @JsonProperty("url") String url) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  record Data(@JsonProperty("default") String defaultVersion,
      @JsonProperty("pro") Pro pro,
      @JsonProperty("free") Free free,
      @JsonProperty("sha256") Map<String, String> sha256,
      @JsonProperty("slugExclude") List<String> slugExclude,
      @JsonProperty("required") List<String> required,
      @JsonProperty("expected") List<String> expected) {}

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
      return new VersionCatalog(new ObjectMapper().readValue(in, Data.class));
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
