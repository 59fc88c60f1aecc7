package datomic.buildpack.compile.distribution;

import datomic.buildpack.catalog.DatomicVersion;
import datomic.buildpack.catalog.Edition;
import datomic.buildpack.catalog.VersionCatalog;
import datomic.buildpack.compile.distribution.DistributionRequest.Expected;
import datomic.buildpack.compile.distribution.DistributionRequest.Plan;
import datomic.buildpack.compile.distribution.download.DigestingStream;
import datomic.buildpack.compile.distribution.download.DownloadException;
import datomic.buildpack.compile.distribution.download.DownloadPolicy;
import datomic.buildpack.compile.distribution.download.Downloader;
import datomic.buildpack.compile.distribution.zip.ArchiveException;
import datomic.buildpack.compile.distribution.zip.ZipUnpacker;
import datomic.buildpack.config.Advice;
import datomic.buildpack.config.ConfigRegistry;
import datomic.buildpack.config.Environment;
import datomic.buildpack.files.Trees;
import datomic.buildpack.output.Log;
import datomic.buildpack.output.Secrets;
import datomic.buildpack.output.Units;
import datomic.buildpack.output.UserError;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Puts the right Datomic into the slug, in steps: decide what to install
 * ({@link DistributionRequest}); use the build cache when it holds that distribution (no network
 * at all); else download it once while hashing and unpacking it in the same pass, verify it,
 * cache it atomically and move it into {@code target}. Failures a person can act on are worded
 * by {@link InstallErrors}.
 */
public final class DistributionInstaller {
  private final ConfigRegistry registry;
  private final Environment env;
  private final Log log;
  private final DownloadPolicy policy;
  private final VersionCatalog catalog;
  private final Secrets secrets;
  private final DistributionRequest request;
  private final InstallErrors errors;
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
    this.request = new DistributionRequest(registry, env, log, catalog, secrets);
    this.errors = new InstallErrors(catalog, this.policy, secrets);
  }

  /**
   * Installs Datomic into {@code target} (replaced if present; afterwards
   * {@code target/bin/transactor} exists), using {@code cacheDir} when it is usable.
   */
  public InstalledDistribution install(Path cacheDir, Path target) throws IOException {
    return install(new Downloader(policy, log), cacheDir, target);
  }

  private InstalledDistribution install(Downloader downloader, Path cacheDir, Path target)
      throws IOException {
    Edition edition = request.edition();
    DistributionCache cache = openCache(cacheDir);
    DatomicVersion version = request.version(edition, downloader, cache, cacheDir);
    Plan plan = request.plan(edition, version);
    log.step("Installing " + plan.name()
        + (Advice.build().standIn() ? " (the dry run's local stand-in, not Datomic)" : ""));
    Files.createDirectories(target.getParent(), ZipUnpacker.folderMode());
    removeLeftovers(target);

    Optional<Expected> expected = request.expected(plan, cache);
    if (cache != null) {
      Optional<InstalledDistribution> cached = fromCache(cache, plan, expected, target);
      if (cached.isPresent()) {
        return cached.get();
      }
    }
    return download(downloader, cache, plan, expected, target);
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
        throw errors.archiveError(plan, e);
      } catch (DownloadException e) {
        throw errors.downloadError(plan, e);
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
              + " " + Advice.build().configSet("DATOMIC_SHA256", sha)
              + " (or clear the build cache with"
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

  private String mask(String text) {
    return secrets.mask(text == null ? "" : text);
  }

  private static String describe(Throwable e) {
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  private static String shortSha(String sha) {
    return sha.substring(0, 12) + "...";
  }
}
