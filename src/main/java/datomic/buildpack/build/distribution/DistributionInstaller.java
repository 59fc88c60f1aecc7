package datomic.buildpack.build.distribution;

import datomic.buildpack.config.Advice;
import datomic.buildpack.build.distribution.download.Credentials;
import datomic.buildpack.build.distribution.download.DigestingStream;
import datomic.buildpack.build.distribution.download.DownloadException;
import datomic.buildpack.build.distribution.download.DownloadPolicy;
import datomic.buildpack.build.distribution.download.Downloader;
import datomic.buildpack.build.distribution.version.DatomicVersion;
import datomic.buildpack.build.distribution.version.Edition;
import datomic.buildpack.build.distribution.version.LatestVersion;
import datomic.buildpack.build.distribution.version.StickyVersion;
import datomic.buildpack.build.distribution.version.VersionCatalog;
import datomic.buildpack.build.distribution.zip.ArchiveException;
import datomic.buildpack.build.distribution.zip.ZipUnpacker;
import datomic.buildpack.config.ConfigRegistry;
import datomic.buildpack.config.Environment;
import datomic.buildpack.files.Trees;
import datomic.buildpack.output.Log;
import datomic.buildpack.output.Secrets;
import datomic.buildpack.output.Units;
import datomic.buildpack.output.UserError;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Puts the right Datomic into the slug: resolves edition and version, uses the build cache when it
 * holds that distribution (no network at all), else downloads it once while hashing and unpacking
 * it in the same pass, verifies it, caches it atomically and copies it to {@code target}.
 */
public final class DistributionInstaller {
  private static final Pattern TOP = Pattern.compile("datomic-(pro|free)-([0-9.]+)");

  private final ConfigRegistry registry;
  private final Environment env;
  private final Log log;
  private final DownloadPolicy policy;
  private final VersionCatalog catalog;
  private final Secrets secrets;
  /** How the build cache served this install, and why not (for bin/report): fixed words only. */
  private String cacheStatus = "miss";
  private String cacheReason = "not in the build cache yet";

  public DistributionInstaller(ConfigRegistry registry, Environment env, Log log) {
    this(registry, env, log, DownloadPolicy.defaults());
  }

  public DistributionInstaller(ConfigRegistry registry, Environment env, Log log,
      DownloadPolicy policy) {
    this.registry = registry;
    this.env = env;
    this.log = log;
    // DATOMIC_DOWNLOAD_TIMEOUT, when set, bounds the download; else the policy's deadline (the
    // registry's default in a real build).
    this.policy = registry.isSet(env, DownloadPolicy.TIMEOUT_SETTING)
        ? policy.withDeadline(Duration.ofSeconds(Long.parseLong(
            registry.value(env, DownloadPolicy.TIMEOUT_SETTING).orElseThrow().strip())))
        : policy;
    this.catalog = VersionCatalog.load();
    this.secrets = registry.secrets(env);
  }

  /** Where the zip comes from and how to check it. */
  private record Plan(Edition edition, DatomicVersion version, URI url, boolean customUrl,
      Credentials credentials, boolean legacy) {
    String name() {
      return edition.displayName() + " " + version;
    }

    String top() {
      return edition.topFolder(version);
    }
  }

  /** A checksum the download must match, and who says so. */
  private record Expected(String sha256, String source, boolean recordedOnly) {}

  /**
   * Installs Datomic into {@code target} (replaced if present; afterwards
   * {@code target/bin/transactor} exists), using {@code cacheDir} when it is usable.
   */
  public InstalledDistribution install(Path cacheDir, Path target) throws IOException {
    return install(new Downloader(policy, log), cacheDir, target);
  }

  private InstalledDistribution install(Downloader downloader, Path cacheDir, Path target)
      throws IOException {
    Edition edition = edition();
    DistributionCache cache = openCache(cacheDir);
    DatomicVersion version = version(edition, downloader, cache, cacheDir);
    Plan plan = plan(edition, version);
    log.step("Installing " + plan.name()
        + (Advice.build().standIn() ? " (the dry run's local stand-in, not Datomic)" : ""));
    Files.createDirectories(target.getParent(), ZipUnpacker.folderMode());
    removeLeftovers(target);

    Optional<Expected> expected = expected(plan, cache);
    if (cache != null) {
      Optional<InstalledDistribution> cached = fromCache(cache, plan, expected, target);
      if (cached.isPresent()) {
        return cached.get();
      }
    }
    return download(downloader, cache, plan, expected, target);
  }

  // ---------------------------------------------------------------------------------------------
  // What to install

  private Edition edition() {
    String raw = registry.value(env, "DATOMIC_EDITION").orElseThrow(); // default: the registry
    return Edition.parse(raw).orElseThrow(() -> new UserError(
        "DATOMIC_EDITION=" + clip(raw) + " is not an edition this buildpack installs.",
        "Use DATOMIC_EDITION=pro (the default; no-cost licence from 1.0.6726) or"
            + " DATOMIC_EDITION=free (discontinued, last version " + catalog.lastFree() + ")."));
  }

  private DatomicVersion version(Edition edition, Downloader downloader, DistributionCache cache,
      Path cacheDir) {
    String raw = registry.value(env, "DATOMIC_VERSION").orElse("").strip();
    DatomicVersion version;
    if (raw.isEmpty()) {
      version = new StickyVersion(cacheDir, catalog, log).choose(edition);
    } else if (raw.equalsIgnoreCase("latest")) {
      version = latest(edition, downloader, cache);
    } else {
      version = DatomicVersion.parse(raw).orElseThrow(() -> new UserError(
          "DATOMIC_VERSION=" + clip(raw) + " is not a Datomic version.",
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

  private Plan plan(Edition edition, DatomicVersion version) {
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
        throw new UserError(plan0(edition, version) + " needs my.datomic.com credentials to download.",
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

  private Optional<Expected> expected(Plan plan, DistributionCache cache) {
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

  // ---------------------------------------------------------------------------------------------
  // Cache

  private DistributionCache openCache(Path cacheDir) {
    if (cacheDir == null) {
      return null; // the caller said why (a cache that had to be cleared and could not be)
    }
    try {
      DistributionCache cache = DistributionCache.open(cacheDir);
      cache.removeLeftovers();
      return cache;
    } catch (IOException | RuntimeException e) {
      log.detail("Not using the build cache for Datomic: " + mask(describe(e))
          + "; installing without it");
      cacheStatus = "unused";
      cacheReason = "the build cache could not be opened";
      return null;
    }
  }

  private Optional<InstalledDistribution> fromCache(DistributionCache cache, Plan plan,
      Optional<Expected> expected, Path target) throws IOException {
    List<String> notes = new ArrayList<>();
    List<DistributionCache.Entry> entries;
    try {
      entries = cache.find(plan.edition(), plan.version(), notes);
    } catch (IOException e) {
      log.detail("Not using the build cache: reading it failed (" + mask(describe(e)) + ")");
      return Optional.empty();
    }
    notes.forEach(log::detail);
    if (entries.isEmpty()) {
      log.detail(plan.name() + " is not in the build cache yet");
      return Optional.empty();
    }
    DistributionCache.Entry use = null;
    for (DistributionCache.Entry entry : entries) {
      if (expected.isEmpty() || expected.get().sha256().equals(entry.sha256())) {
        use = entry;
        break;
      }
    }
    if (use == null) {
      log.detail("Not using the cached " + plan.name() + ": its SHA-256 "
          + shortSha(entries.get(0).sha256()) + " differs from " + expected.get().source() + " ("
          + shortSha(expected.get().sha256()) + ")");
      cacheReason = "the cached checksum differs from the expected one";
      return Optional.empty();
    }
    Path temp = target.resolveSibling(".dist-tmp-" + UUID.randomUUID());
    try {
      // Hard links where the cache and the build share a file system: nothing is copied.
      Trees.Counts counts;
      try {
        counts = Trees.link(use.tree(), temp);
      } catch (IOException e) {
        // The cache is optional: an unreadable entry, or a full disk while copying across file
        // systems, means downloading instead (the download says so if the disk is the problem).
        log.detail("Not using the cached " + plan.name() + ": " + mask(describe(e)));
        cacheReason = "the cached copy could not be linked or copied";
        return Optional.empty();
      }
      if (!counts.sameAs(use.counts())) {
        log.warning("The cached " + plan.name() + " changed since it was cached; downloading it"
                + " again.",
            "It holds " + describe(counts) + ", not the " + describe(use.counts()) + " it was"
                + " cached with (changed or damaged since).",
            "If this shows on every build, something rewrites, chmods or re-times the files in"
                + " .datomic/dist or in the build cache; the build still works, downloading"
                + " Datomic each time.");
        try {
          cache.remove(use);
        } catch (IOException e) {
          log.detail("Could not remove it: " + mask(describe(e)));
        }
        cacheReason = "the cached copy changed since it was cached";
        return Optional.empty();
      }
      log.detail("Using cached " + plan.name() + " (sha256 " + shortSha(use.sha256()) + ")");
      cacheStatus = "hit";
      cacheReason = "";
      if (expected.isEmpty()) {
        record(cache, plan, use.sha256());
      }
      try {
        swapInto(temp, target);
      } catch (IOException e) {
        throw cannotWrite(target, e);
      }
      prune(cache, use.key());
      return Optional.of(finished(plan, use.sha256(), target, counts.bytes()));
    } finally {
      Trees.deleteQuietly(temp);
    }
  }

  /** Records the checksum first seen for this version (trust on first use); best effort. */
  private void record(DistributionCache cache, Plan plan, String sha) {
    try {
      cache.record(plan.edition(), plan.version(), sha);
    } catch (IOException e) {
      log.detail("Could not record the checksum in the build cache: " + mask(describe(e)));
    }
  }

  private static String describe(Trees.Counts counts) {
    return counts.files() + " files of " + counts.bytes() + " bytes (fingerprint "
        + counts.fingerprint() + ")";
  }

  private void prune(DistributionCache cache, String keep) {
    try {
      List<String> removed = cache.prune(keep);
      if (!removed.isEmpty()) {
        log.detail("Removed from the build cache (only the Datomic in use is kept): "
            + String.join(", ", removed));
      }
    } catch (IOException e) {
      log.detail("Could not prune the build cache: " + mask(describe(e)));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Download, verify, unpack

  private InstalledDistribution download(Downloader downloader, DistributionCache cache,
      Plan plan, Optional<Expected> expected, Path target) throws IOException {
    // Unpacked next to target; once checked, linked (or copied) into a new cache entry, which
    // only appears by an atomic rename; then moved into place.
    Path built = null;
    try {
      built = Files.createDirectory(target.resolveSibling(".dist-tmp-" + UUID.randomUUID()),
          ZipUnpacker.folderMode());
      Path tree = built.resolve("tree");
      String sha = fetchWithRetry(downloader, plan, tree);
      verify(plan, expected, sha, cache != null);
      checkLayout(plan, tree);
      String key = cache == null ? null : cacheTree(cache, plan, sha, tree);
      long bytes = Trees.size(tree);
      swapInto(tree, target);
      if (key != null) {
        prune(cache, key);
      }
      return finished(plan, sha, target, bytes);
    } catch (IOException e) {
      if (e instanceof ArchiveException || e instanceof DownloadException) {
        throw e;
      }
      throw cannotWrite(target, e);
    } finally {
      Trees.deleteQuietly(built);
    }
  }

  private UserError cannotWrite(Path target, IOException e) {
    return new UserError("Could not write Datomic into the build: " + mask(describe(e)),
        "The build folder " + target.getParent() + " must be writable with room for about"
            + " 300 MB. If the disk is full, clear the build cache"
            + " (heroku builds:cache:purge) and build again.").withCause(e);
  }

  /**
   * Puts a checked tree into a new cache entry (hard links when the cache shares the build's file
   * system, else a copy) and records its checksum; the key, or null when the cache could not be
   * written (a full disk, say): the cache is optional and the build goes on without it.
   */
  private String cacheTree(DistributionCache cache, Plan plan, String sha, Path tree) {
    Path staging = null;
    try {
      staging = cache.newStaging();
      Trees.link(tree, staging.resolve("tree"));
      // What is in the cache as it landed there (a copy to another file system may not keep
      // every mode or time): that is what the next build's check will see.
      Trees.Counts counts = Trees.counts(staging.resolve("tree"));
      String key = cache.commit(staging, plan.edition(), plan.version(), sha, counts).key();
      staging = null;
      record(cache, plan, sha);
      return key;
    } catch (IOException e) {
      log.detail("Not caching Datomic: writing the build cache failed (" + mask(describe(e))
          + "); installing without it");
      return null;
    } finally {
      cache.discard(staging);
    }
  }

  /** Downloads and unpacks into {@code tree}; the zip's SHA-256. */
  private String fetchWithRetry(Downloader downloader, Plan plan, Path tree)
      throws IOException {
    for (int attempt = 1; ; attempt++) {
      try {
        return fetch(downloader, plan, tree);
      } catch (ArchiveException e) {
        // A body without Content-Length that stops early looks complete to HTTP; the zip shows it.
        if (e.kind() == ArchiveException.Kind.TRUNCATED && lastNetworkLengthUnknown
            && attempt < policy.attempts()) {
          Trees.delete(tree);
          log.detail("The download ended before the end of the zip; downloading again (attempt "
              + (attempt + 1) + " of " + policy.attempts() + ")");
          continue;
        }
        throw archiveError(plan, e);
      } catch (DownloadException e) {
        throw downloadError(plan, e);
      }
    }
  }

  private boolean lastNetworkLengthUnknown;

  private String fetch(Downloader downloader, Plan plan, Path tree) throws IOException {
    String shown = mask(Downloader.display(plan.url()));
    try (Downloader.Download download = downloader.open(plan.url(), plan.credentials())) {
      lastNetworkLengthUnknown = download.isNetwork() && download.length() < 0;
      log.detail((download.isNetwork() ? "Downloading " : "Reading ") + shown
          + (download.length() >= 0 ? " (" + Units.mb(download.length()) + ")" : ""));
      DigestingStream in = new DigestingStream(download, download.length(),
          download.isNetwork(), log);
      ZipUnpacker unpacker = new ZipUnpacker(policy, catalog.slugExclude());
      ZipUnpacker.Result result = unpacker.unpack(in, plan.top(), tree);
      String sha = in.sha256();
      log.detail((download.isNetwork() ? "Downloaded " : "Read ") + Units.mb(in.count())
          + " in " + Units.oneDecimal(in.seconds()) + " s (" + in.rate() + "); unpacked "
          + result.files() + " files");
      return sha;
    }
  }

  private void verify(Plan plan, Optional<Expected> expected, String sha, boolean recording) {
    if (expected.isPresent()) {
      Expected e = expected.get();
      if (!e.sha256().equals(sha)) {
        List<String> advice = new ArrayList<>();
        advice.add("Expected " + e.sha256() + " (" + e.source() + "),");
        advice.add("got      " + sha + " from " + mask(Downloader.display(plan.url())) + ".");
        if (e.recordedOnly()) {
          advice.add("The same version was downloaded before with other contents: the file may"
              + " have been replaced or tampered with. If you trust the new file, pin it with"
              + " " + Advice.build().configSet("DATOMIC_SHA256", sha) + " (or clear the build cache with"
              + " heroku builds:cache:purge).");
        } else {
          advice.add("The file is not the one that was pinned. Check DATOMIC_VERSION and"
              + " DATOMIC_DOWNLOAD_URL; if you trust the new file, set DATOMIC_SHA256=" + sha + ".");
        }
        throw new UserError("The Datomic zip's SHA-256 does not match.",
            advice.toArray(String[]::new));
      }
      log.detail("SHA-256 " + sha + " (matches " + e.source() + ")");
      return;
    }
    log.detail("SHA-256 " + sha);
    if (Advice.build().standIn()) {
      // A zip the dry run built a moment ago from test-fixtures: there is nothing to pin.
      log.detail("No known checksum: this is the dry run's stand-in zip, built for this run"
          + (recording ? " (recorded in the build cache all the same)" : "")
          + "; a real Datomic zip's is what to pin.");
      return;
    }
    log.warning("No known checksum for " + plan.name() + (recording
            ? "; recorded this one in the build cache for later builds." : "."),
        "To make sure every build gets exactly this file, pin it:",
        "  " + Advice.build().configSet("DATOMIC_SHA256", sha));
  }

  private void checkLayout(Plan plan, Path tree) {
    List<String> missing = new ArrayList<>();
    for (String path : catalog.required()) {
      Path p = tree.resolve(path.endsWith("/") ? path.substring(0, path.length() - 1) : path);
      boolean ok = path.endsWith("/") ? Files.isDirectory(p) : Files.isRegularFile(p);
      if (!ok) {
        missing.add(path);
      }
    }
    if (!missing.isEmpty()) {
      throw new UserError("The zip is not a usable " + plan.name() + " distribution.",
          "It has no " + String.join(", no ", missing) + " inside " + plan.top() + "/.",
          "Check DATOMIC_DOWNLOAD_URL: it should point at datomic-" + plan.edition().id() + "-"
              + plan.version() + ".zip as published.");
    }
    List<String> absent = catalog.expected().stream()
        .filter(p -> !Files.exists(tree.resolve(p), LinkOption.NOFOLLOW_LINKS)).toList();
    if (!absent.isEmpty()) {
      log.warning("The distribution has no " + String.join(", ", absent) + ".",
          "The transactor may still work; the peer server (bin/run) and backups (bin/datomic)"
              + " may not.");
    }
  }

  /**
   * Replaces {@code target} by {@code temp} (on the same file system), with renames only; if the
   * second rename fails, the old {@code target} is put back.
   */
  private static void swapInto(Path temp, Path target) throws IOException {
    Path old = target.resolveSibling(".dist-old-" + UUID.randomUUID());
    boolean hadTarget = Files.exists(target, LinkOption.NOFOLLOW_LINKS);
    if (hadTarget) {
      DistributionCache.move(target, old);
    }
    try {
      DistributionCache.move(temp, target);
    } catch (IOException e) {
      if (hadTarget) {
        try {
          DistributionCache.move(old, target);
        } catch (IOException restore) {
          e.addSuppressed(restore);
        }
      }
      throw e;
    }
    Trees.deleteQuietly(old);
  }

  private void removeLeftovers(Path target) throws IOException {
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(target.getParent(),
        p -> p.getFileName().toString().startsWith(".dist-tmp-")
            || p.getFileName().toString().startsWith(".dist-old-"))) {
      for (Path p : stream) {
        Trees.delete(p);
      }
    }
  }

  private InstalledDistribution finished(Plan plan, String sha, Path target, long bytes) {
    log.detail("Left out of the slug: " + String.join(", ", catalog.slugExclude())
        + " (not used by the transactor, bin/run or bin/datomic)");
    log.detail("Installed " + Units.mb(bytes) + " into " + shownTarget(target));
    return new InstalledDistribution(plan.edition().id(), plan.version().toString(), sha, target,
        bytes, cacheStatus, cacheReason);
  }

  private static String shownTarget(Path target) {
    int n = target.getNameCount();
    return n >= 2 ? target.subpath(n - 2, n).toString() : target.toString();
  }

  // ---------------------------------------------------------------------------------------------
  // Errors a person can act on

  private UserError downloadError(Plan plan, DownloadException e) {
    String why = mask(e.getMessage());
    String versionAdvice = "Check DATOMIC_VERSION: the " + plan.edition().displayName()
        + " versions this buildpack knows are " + knownSummary(plan.edition()) + ".";
    String urlAdvice = plan.customUrl()
        ? "Check DATOMIC_DOWNLOAD_URL (" + mask(Downloader.display(plan.url())) + ")."
        : versionAdvice;
    UserError error = switch (e.kind()) {
      case UNAUTHORIZED, FORBIDDEN -> {
        List<String> advice = new ArrayList<>();
        advice.add(why + ".");
        if (plan.legacy()) {
          advice.add(plan.name() + " is under a legacy licence: check DATOMIC_LICENSE_USER (your"
              + " my.datomic.com e-mail) and DATOMIC_LICENSE_PASSWORD (the download password"
              + " shown on my.datomic.com, not your login password).");
          advice.add("Or use " + catalog.noCostSince() + " or later, free to download under the"
              + " no-cost licence.");
        } else if (plan.customUrl()) {
          advice.add("If the mirror needs credentials, set DATOMIC_LICENSE_USER and"
              + " DATOMIC_LICENSE_PASSWORD (sent as HTTP basic auth over https), or check that"
              + " DATOMIC_DOWNLOAD_URL is still valid (signed URLs expire).");
        } else {
          advice.add("Versions from " + catalog.noCostSince() + " need no DATOMIC_LICENSE_USER or"
              + " DATOMIC_LICENSE_PASSWORD. The public bucket answers 403 for a version it does"
              + " not have: " + versionAdvice);
        }
        yield new UserError("Access to the Datomic download was refused (HTTP " + e.status()
            + ").", advice.toArray(String[]::new));
      }
      case NOT_FOUND -> new UserError(plan.name() + " was not found (HTTP " + e.status() + ").",
          why + ".", urlAdvice);
      case NETWORK -> new UserError("Could not download " + plan.name() + ".", why + ".",
          "This is usually a passing network or server problem: run the build again.",
          "To build without depending on it, mirror the zip and set DATOMIC_DOWNLOAD_URL"
              + " (https: or file:).");
      case NO_FILE -> new UserError("Could not read the Datomic zip.", why + ".",
          "Check DATOMIC_DOWNLOAD_URL: a file: URL names the zip file itself, as in"
              + " file:///absolute/path/" + plan.top() + ".zip.");
      case TOO_LARGE -> new UserError("The Datomic download is too large.", why + ".",
          urlAdvice);
      case INSECURE -> new UserError("Refused an unsafe redirect of the Datomic download.",
          why + ".", "Use a download URL that stays on https.");
      case CHANGED -> new UserError("The Datomic zip changed while it was being downloaded.",
          why + ".", "Run the build again.");
      case TIMEOUT -> new UserError("Downloading " + plan.name() + " took longer than "
              + DownloadPolicy.TIMEOUT_SETTING + " allows (" + Units.shortDuration(policy.deadline())
              + ").", capitalize(why) + ".",
          "The server sends too slowly for a build: Heroku stops a whole build at 15 minutes."
              + " Run the build again; if it stays slow, put the zip where Heroku downloads it"
              + " fast (an S3 bucket in the app's region) and set DATOMIC_DOWNLOAD_URL to it,"
              + " or raise " + DownloadPolicy.TIMEOUT_SETTING + " (seconds, up to 3600).");
      case HTTP_STATUS -> new UserError("Could not download " + plan.name() + ".", why + ".",
          urlAdvice);
    };
    return error.withCause(e);
  }

  private UserError archiveError(Plan plan, ArchiveException e) {
    String from = mask(Downloader.display(plan.url()));
    String why = mask(e.getMessage());
    UserError error = switch (e.kind()) {
      case TRUNCATED -> new UserError("The Datomic zip from " + from + " is incomplete.",
          capitalize(why) + ".",
          "The download was cut short, or the file itself is. Run the build again; if it"
              + " persists, check the file at DATOMIC_DOWNLOAD_URL (unzip -t tests it).");
      case CORRUPT -> new UserError("The Datomic zip from " + from + " is damaged.",
          capitalize(why) + ".",
          "Run the build again; if it persists, replace the file (unzip -t tests it).");
      case UNSAFE -> new UserError("Refused to unpack the Datomic zip from " + from + ".",
          capitalize(why) + ".",
          "A genuine Datomic zip never holds such an entry; nothing was written outside the"
              + " build. Check where DATOMIC_DOWNLOAD_URL points.");
      case TOO_BIG -> new UserError("Refused to unpack the Datomic zip from " + from + ".",
          capitalize(why) + ".", "Check where DATOMIC_DOWNLOAD_URL points.");
      case WRONG_TOP -> wrongTop(plan, from, e.getMessage());
      case LAYOUT -> new UserError("The zip is not a usable Datomic distribution.", why + ".");
      case NOT_A_ZIP -> new UserError("The download from " + from + " is not a zip.",
          capitalize(why) + ".", plan.customUrl()
              ? "Check DATOMIC_DOWNLOAD_URL: it must lead to the zip itself. A page or an error"
                  + " document in its place usually means the URL needs credentials, has expired"
                  + " (signed URLs do) or is mistyped; curl -sSI on it shows what the server"
                  + " answers."
              : "The download server sent this instead of " + plan.top() + ".zip. Run the build"
                  + " again later, or mirror the zip and set DATOMIC_DOWNLOAD_URL to it.");
    };
    return error.withCause(e);
  }

  private UserError wrongTop(Plan plan, String from, String found) {
    Matcher m = TOP.matcher(found);
    if (m.matches() && DatomicVersion.parse(m.group(2)).isPresent()) {
      return new UserError("The zip holds " + found + ", not " + plan.top() + ".",
          "The zip at " + from + " is Datomic " + m.group(1) + " " + m.group(2) + ".",
          "Set DATOMIC_VERSION=" + m.group(2)
              + (m.group(1).equals(plan.edition().id()) ? "" : " and DATOMIC_EDITION=" + m.group(1))
              + " to install it, or point DATOMIC_DOWNLOAD_URL at " + plan.top() + ".zip.");
    }
    return new UserError("The zip at " + from + " is not a Datomic distribution.",
        "Everything in it should be inside one folder " + plan.top() + "/; found '"
            + mask(clip(found)) + "'.",
        "Check DATOMIC_DOWNLOAD_URL.");
  }

  private String knownSummary(Edition edition) {
    List<String> known = catalog.known(edition);
    return known.size() <= 4 ? String.join(", ", known)
        : known.get(0) + " to " + known.get(known.size() - 1) + " (" + known.size() + " releases)";
  }

  private String mask(String text) {
    return secrets.mask(text == null ? "" : text);
  }

  private static String describe(Throwable e) {
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  private static String shortSha(String sha) {
    return sha.substring(0, 12) + "...";
  }

  private static String capitalize(String s) {
    return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }

  private static String clip(String s) {
    String shown = s.replaceAll("\\p{Cntrl}", "?");
    return shown.length() > 60 ? shown.substring(0, 60) + "..." : shown;
  }
}
