package datomic.buildpack.compile.distribution;

import datomic.buildpack.catalog.DatomicVersion;
import datomic.buildpack.catalog.Edition;
import datomic.buildpack.catalog.VersionCatalog;
import datomic.buildpack.compile.distribution.download.Credentials;
import datomic.buildpack.compile.distribution.download.Downloader;
import datomic.buildpack.compile.distribution.version.LatestVersion;
import datomic.buildpack.compile.distribution.version.StickyVersion;
import datomic.buildpack.config.Advice;
import datomic.buildpack.config.ConfigRegistry;
import datomic.buildpack.config.Environment;
import datomic.buildpack.output.Log;
import datomic.buildpack.output.Secrets;
import datomic.buildpack.output.UserError;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * What to install: the edition and version asked for (pinned, {@code latest}, or the one the
 * last build installed), where its zip comes from (licence credentials only where they belong),
 * and the checksum it must match. Bad settings are refused here, before anything is downloaded.
 */
final class DistributionRequest {
  /** Where the zip comes from and how to check it. */
  record Plan(Edition edition, DatomicVersion version, URI url, boolean customUrl,
      Credentials credentials, boolean legacy) {
    String name() {
      return edition.displayName() + " " + version;
    }

    String top() {
      return edition.topFolder(version);
    }
  }

  /** A checksum the download must match, and who says so. */
  record Expected(String sha256, String source, boolean recordedOnly) {}

  private final ConfigRegistry registry;
  private final Environment env;
  private final Log log;
  private final VersionCatalog catalog;
  private final Secrets secrets;

  DistributionRequest(ConfigRegistry registry, Environment env, Log log, VersionCatalog catalog,
      Secrets secrets) {
    this.registry = registry;
    this.env = env;
    this.log = log;
    this.catalog = catalog;
    this.secrets = secrets;
  }

  Edition edition() {
    String raw = registry.value(env, "DATOMIC_EDITION").orElseThrow(); // default: the registry
    return Edition.parse(raw).orElseThrow(() -> new UserError(
        "DATOMIC_EDITION=" + InstallErrors.clip(raw)
            + " is not an edition this buildpack installs.",
        "Use DATOMIC_EDITION=pro (the default; no-cost licence from 1.0.6726) or"
            + " DATOMIC_EDITION=free (discontinued, last version " + catalog.lastFree() + ")."));
  }

  DatomicVersion version(Edition edition, Downloader downloader, DistributionCache cache,
      Path cacheDir) {
    String raw = registry.value(env, "DATOMIC_VERSION").orElse("").strip();
    DatomicVersion version;
    if (raw.isEmpty()) {
      version = new StickyVersion(cacheDir, catalog, log).choose(edition);
    } else if (raw.equalsIgnoreCase("latest")) {
      version = latest(edition, downloader, cache);
    } else {
      version = DatomicVersion.parse(raw).orElseThrow(() -> new UserError(
          "DATOMIC_VERSION=" + InstallErrors.clip(raw) + " is not a Datomic version.",
          "Use digits and dots, e.g. DATOMIC_VERSION=" + catalog.defaultVersion(Edition.PRO)
              + ", or DATOMIC_VERSION=latest to ask Maven Central."));
    }
    if (edition == Edition.FREE && catalog.lastFree().isBefore(version)) {
      throw new UserError("Datomic Free has no version " + version + ".",
          "Datomic Free was discontinued; its last version is " + catalog.lastFree() + ".",
          "Use DATOMIC_VERSION=" + catalog.lastFree() + ", or switch to Datomic Pro, free of"
              + " charge from 1.0.6726: unset DATOMIC_EDITION (or set it to pro).");
    }
    return version;
  }

  private DatomicVersion latest(Edition edition, Downloader downloader, DistributionCache cache) {
    if (edition == Edition.FREE) {
      log.detail("Datomic Free is discontinued: its latest version is " + catalog.lastFree());
      return catalog.lastFree();
    }
    String raw = registry.value(env, "DATOMIC_METADATA_URL").orElseThrow();
    URI url = uri(raw, "DATOMIC_METADATA_URL");
    try {
      DatomicVersion latest = LatestVersion.fetch(downloader, url);
      log.detail("DATOMIC_VERSION=latest: " + Downloader.display(url) + " names " + latest);
      if (latest.isBefore(catalog.noCostSince())) {
        throw new IOException("it names " + latest + ", older than the no-cost licence (which"
            + " starts at " + catalog.noCostSince() + ")");
      }
      return latest;
    } catch (IOException e) {
      String why = mask(e.getMessage());
      Optional<DistributionCache.Entry> fallback = Optional.empty();
      try {
        fallback = cache == null ? Optional.empty()
            : cache.all().stream().filter(en -> en.edition().equals(edition.id())).findFirst();
      } catch (IOException ignored) {
        // no fallback
      }
      if (fallback.isPresent()) {
        log.warning("Could not resolve DATOMIC_VERSION=latest; using the cached "
                + fallback.get().version() + ".",
            "Reading " + Downloader.display(url) + " failed: " + why,
            "Pin a version (DATOMIC_VERSION=" + fallback.get().version() + ") to build without"
                + " asking Maven Central.");
        return DatomicVersion.of(fallback.get().version());
      }
      throw new UserError("Could not resolve DATOMIC_VERSION=latest.",
          "Reading " + Downloader.display(url) + " failed: " + why,
          "Pin a version instead, e.g. DATOMIC_VERSION=" + catalog.defaultVersion(Edition.PRO)
              + " (the newest this buildpack knows), or point DATOMIC_METADATA_URL at a"
              + " reachable copy of com/datomic/peer/maven-metadata.xml.").withCause(e);
    }
  }

  Plan plan(Edition edition, DatomicVersion version) {
    boolean legacy = catalog.isLegacyPro(edition, version);
    Optional<String> custom = registry.value(env, "DATOMIC_DOWNLOAD_URL").map(String::strip)
        .filter(s -> !s.isEmpty());
    String raw = custom.map(u -> u.replace("{version}", version.toString()))
        .orElseGet(() -> catalog.downloadUrl(edition, version));
    URI url = uri(raw, custom.isPresent() ? "DATOMIC_DOWNLOAD_URL" : "the download URL");
    Credentials credentials = null;
    if (url.getRawUserInfo() != null) {
      String[] parts = url.getRawUserInfo().split(":", 2);
      credentials = new Credentials(decode(parts[0]), parts.length > 1 ? decode(parts[1]) : "");
      secrets.add(credentials.password());
      try {
        url = new URI(url.getScheme(), null, url.getHost(), url.getPort(), url.getPath(),
            url.getQuery(), url.getFragment());
      } catch (URISyntaxException e) {
        throw new UserError("DATOMIC_DOWNLOAD_URL is not a valid URL.",
            "Write it as https://host/path/datomic-pro-" + version + ".zip.");
      }
    } else {
      Optional<String> user = registry.value(env, "DATOMIC_LICENSE_USER");
      Optional<String> password = registry.value(env, "DATOMIC_LICENSE_PASSWORD");
      if (legacy && custom.isEmpty() && (user.isEmpty() || password.isEmpty())) {
        throw new UserError(plan0(edition, version)
                + " needs my.datomic.com credentials to download.",
            "Versions before " + catalog.noCostSince() + " are under a legacy Datomic Pro licence:"
                + " set DATOMIC_LICENSE_USER (your my.datomic.com e-mail) and"
                + " DATOMIC_LICENSE_PASSWORD (your download password), and"
                + " DATOMIC_TRANSACTOR_KEY (your licence key) for the transactor.",
            "Or use " + catalog.noCostSince() + " or later (e.g. unset DATOMIC_VERSION for "
                + catalog.defaultVersion(Edition.PRO) + "), free under the no-cost licence.");
      }
      // Licence credentials go only with a legacy download (my.datomic.com or a mirror of it):
      // a public or presigned mirror of a no-cost version must not see them (and S3 refuses
      // requests that carry them).
      if (user.isPresent() && password.isPresent() && legacy) {
        credentials = new Credentials(user.get(), password.get());
      }
    }
    if (legacy && !registry.isSet(env, "DATOMIC_TRANSACTOR_KEY")) {
      log.warning(plan0(edition, version) + " is under a legacy licence: the transactor needs"
              + " DATOMIC_TRANSACTOR_KEY.",
          "Set it to your licence key (" + Advice.build().configSet("DATOMIC_TRANSACTOR_KEY=...")
              + "), or use "
              + catalog.noCostSince() + " or later, which needs no key.");
    }
    if (!catalog.isKnown(edition, version)) {
      log.detail(version + " is not among the " + edition.displayName()
          + " versions this buildpack knows; trying it anyway");
    }
    return new Plan(edition, version, url, custom.isPresent(), credentials, legacy);
  }

  private static String plan0(Edition edition, DatomicVersion version) {
    return edition.displayName() + " " + version;
  }

  private URI uri(String raw, String what) {
    try {
      URI uri = new URI(raw);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("https") && !scheme.equals("http") && !scheme.equals("file")) {
        throw new URISyntaxException(raw, "unsupported scheme");
      }
      if (!scheme.equals("file") && (uri.getHost() == null || uri.getHost().isEmpty())) {
        throw new URISyntaxException(raw, "no host");
      }
      return uri;
    } catch (URISyntaxException e) {
      throw new UserError(what + " is not a valid https:, http: or file: URL: " + mask(raw),
          "Write it like https://host/path/datomic-pro-1.0.7622.zip or"
              + " file:///absolute/path/datomic-pro-1.0.7622.zip.",
          "In a user name or password, percent-encode what a URL reserves: a space as %20,"
              + " # as %23, % as %25, / as %2F, : as %3A, ? as %3F, @ as %40.");
    }
  }

  private static String decode(String s) {
    return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  Optional<Expected> expected(Plan plan, DistributionCache cache) {
    Optional<String> pinned = registry.value(env, "DATOMIC_SHA256").map(String::strip)
        .filter(s -> !s.isEmpty());
    if (pinned.isPresent()) {
      if (!pinned.get().matches("[0-9a-fA-F]{64}")) {
        throw new UserError("DATOMIC_SHA256 is not a SHA-256.",
            "Set it to the 64 hexadecimal digits of the zip's SHA-256 (sha256sum prints it),"
                + " or unset it.");
      }
      return Optional.of(new Expected(pinned.get().toLowerCase(Locale.ROOT), "DATOMIC_SHA256",
          false));
    }
    Optional<String> shipped = catalog.verifiedSha256(plan.edition(), plan.version());
    if (shipped.isPresent()) {
      return Optional.of(new Expected(shipped.get(), "the checksum shipped with this buildpack",
          false));
    }
    if (cache != null) {
      return cache.recorded(plan.edition(), plan.version()).map(r -> new Expected(r.sha256(),
          "the checksum recorded when this version was first downloaded (" + r.firstSeen() + ")",
          true));
    }
    return Optional.empty();
  }

  private String mask(String text) {
    return secrets.mask(text == null ? "" : text);
  }
}
