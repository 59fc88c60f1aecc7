package datomic.buildpack.compile.distribution;

import datomic.buildpack.catalog.DatomicVersion;
import datomic.buildpack.catalog.Edition;
import datomic.buildpack.compile.distribution.zip.ZipUnpacker;
import datomic.buildpack.files.Json;
import datomic.buildpack.files.Trees;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Unpacked distributions kept in {@code CACHE_DIR/datomic/}, one folder per edition, version and
 * checksum ({@code pro-1.0.7622-<first 12 hex of the SHA-256>/}, holding {@code entry.json} and
 * {@code tree/}). An entry only appears by renaming a complete staging folder ({@code .tmp-*}),
 * so a build that dies half-way leaves nothing a later build trusts. {@code index.json} records
 * the checksum first seen for each edition and version (trust on first use); it outlives pruning.
 */
public final class DistributionCache {
  /** The buildpack's folder in CACHE_DIR. */
  public static final String FOLDER = "datomic";
  /** Checksums recorded on first download; kept when the trees are cleared or pruned. */
  public static final String INDEX = "index.json";
  private static final String ENTRY = "entry.json";
  private static final String TEMP_PREFIX = ".tmp-";
  private static final String LOCK_PREFIX = ".lock-";
  private static final int MAX_RECORDS = 200;
  private static final Duration LEFTOVER_AGE = Duration.ofHours(1);

  /** A cached, complete distribution. */
  record Entry(String key, Path dir, String edition, String version, String sha256,
      Trees.Counts counts) {
    Path tree() {
      return dir.resolve("tree");
    }
  }

  /** {@code entry.json} (unknown fields are ignored). */
  record EntryFile(String edition, String version, String sha256, int files, long bytes,
      String fingerprint, String created) {
    static EntryFile of(Map<String, Object> json) throws IOException {
      Long files = Json.integer(json, "files");
      Long bytes = Json.integer(json, "bytes");
      String fingerprint = Json.string(json, "fingerprint");
      return new EntryFile(Json.string(json, "edition"), Json.string(json, "version"),
          Json.string(json, "sha256"), files == null ? 0 : Math.toIntExact(files),
          bytes == null ? 0 : bytes, fingerprint == null ? "" : fingerprint,
          Json.string(json, "created"));
    }

    Map<String, Object> json() {
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("edition", edition);
      json.put("version", version);
      json.put("sha256", sha256);
      json.put("files", files);
      json.put("bytes", bytes);
      json.put("fingerprint", fingerprint);
      json.put("created", created);
      return json;
    }
  }

  /** A checksum recorded the first time a version was downloaded. */
  record Recorded(String sha256, String firstSeen) {
    static Recorded of(Map<String, Object> json) throws IOException {
      return json == null ? null
          : new Recorded(Json.string(json, "sha256"), Json.string(json, "firstSeen"));
    }

    Map<String, Object> json() {
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("sha256", sha256);
      json.put("firstSeen", firstSeen);
      return json;
    }
  }

  private final Path root;
  /** This build's staging folders and the locks it holds on them. */
  private final Map<Path, FileChannel> locks = new HashMap<>();

  private DistributionCache(Path root) {
    this.root = root;
  }

  /** Opens (creating) the cache under {@code cacheDir}; throws with a reason when unusable. */
  static DistributionCache open(Path cacheDir) throws IOException {
    if (cacheDir == null) {
      throw new IOException("no CACHE_DIR was given");
    }
    Path root = cacheDir.resolve(FOLDER);
    if (Files.isSymbolicLink(root)) {
      throw new IOException(root + " is a symlink");
    }
    Files.createDirectories(root, ZipUnpacker.folderMode());
    if (!Files.isWritable(root)) {
      throw new IOException(root + " is not writable");
    }
    return new DistributionCache(root);
  }

  Path root() {
    return root;
  }

  /**
   * Removes every cached distribution under {@code cacheDir}, keeping the checksums recorded on
   * first download ({@link #INDEX}) and other builds' work in progress; nothing when there is
   * no cache yet.
   */
  public static void clear(Path cacheDir) throws IOException {
    if (Files.isDirectory(cacheDir.resolve(FOLDER), LinkOption.NOFOLLOW_LINKS)) {
      open(cacheDir).prune(null);
    }
  }

  static String key(Edition edition, DatomicVersion version, String sha256) {
    return edition.id() + "-" + version + "-" + sha256.substring(0, 12);
  }

  /** Complete entries for this edition and version; incomplete ones are removed. */
  List<Entry> find(Edition edition, DatomicVersion version, List<String> notes)
      throws IOException {
    String prefix = edition.id() + "-" + version + "-";
    List<Entry> found = new ArrayList<>();
    for (Path dir : list()) {
      String name = dir.getFileName().toString();
      if (!name.startsWith(prefix)) {
        continue;
      }
      Optional<Entry> entry = read(dir);
      if (entry.isPresent() && entry.get().edition().equals(edition.id())
          && entry.get().version().equals(version.toString())) {
        found.add(entry.get());
      } else {
        try {
          Trees.delete(dir);
          notes.add("Removed an incomplete cache entry (" + name + ")");
        } catch (IOException e) {
          notes.add("Could not remove an incomplete cache entry (" + name + "): " + e.getMessage());
        }
      }
    }
    return found;
  }

  /** Every complete entry, newest version first (for a fallback when Maven is unreachable). */
  List<Entry> all() throws IOException {
    List<Entry> found = new ArrayList<>();
    for (Path dir : list()) {
      read(dir).ifPresent(found::add);
    }
    found.sort((a, b) -> DatomicVersion.of(b.version()).compareTo(DatomicVersion.of(a.version())));
    return found;
  }

  private Optional<Entry> read(Path dir) {
    String name = dir.getFileName().toString();
    try {
      EntryFile file = EntryFile.of(Json.read(dir.resolve(ENTRY)));
      if (file.sha256() == null || !file.sha256().matches("[0-9a-f]{64}")
          || file.version() == null || DatomicVersion.parse(file.version()).isEmpty()
          || file.edition() == null || Edition.parse(file.edition()).isEmpty()
          || !name.equals(key(Edition.parse(file.edition()).get(),
              DatomicVersion.of(file.version()), file.sha256()))
          || !Files.isRegularFile(dir.resolve("tree/bin/transactor"))) {
        return Optional.empty();
      }
      return Optional.of(new Entry(name, dir, file.edition(), file.version(), file.sha256(),
          new Trees.Counts(file.files(), file.bytes(), file.fingerprint())));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  private List<Path> list() throws IOException {
    List<Path> dirs = new ArrayList<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(root)) {
      for (Path p : stream) {
        String name = p.getFileName().toString();
        if (!name.startsWith(".") && Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          dirs.add(p);
        }
      }
    }
    return dirs;
  }

  /**
   * A fresh staging folder inside the cache (same file system, so the final rename is atomic),
   * with a lock that tells other builds sharing the cache it is in use, until
   * {@link #commit} or {@link #discard}: they never take it for a killed build's leftover.
   */
  Path newStaging() throws IOException {
    String id = UUID.randomUUID().toString();
    Path lockFile = root.resolve(LOCK_PREFIX + id);
    FileChannel lock = FileChannel.open(lockFile, StandardOpenOption.CREATE_NEW,
        StandardOpenOption.WRITE);
    try {
      lock.lock();
      Path staging = Files.createDirectory(root.resolve(TEMP_PREFIX + id),
          ZipUnpacker.folderMode());
      locks.put(staging, lock);
      return staging;
    } catch (IOException | RuntimeException e) {
      lock.close();
      Files.deleteIfExists(lockFile);
      throw e;
    }
  }

  /** Removes a staging folder that will not be committed, and its lock. */
  void discard(Path staging) {
    if (staging == null) {
      return;
    }
    Trees.deleteQuietly(staging);
    unlock(staging);
  }

  private void unlock(Path staging) {
    FileChannel lock = locks.remove(staging);
    try {
      if (lock != null) {
        lock.close();
      }
      Files.deleteIfExists(lockFileOf(staging));
    } catch (IOException ignored) {
      // a lock file left unlocked is a leftover the next build removes
    }
  }

  private static Path lockFileOf(Path staging) {
    return staging.resolveSibling(LOCK_PREFIX
        + staging.getFileName().toString().substring(TEMP_PREFIX.length()));
  }

  /**
   * Turns a staging folder holding {@code tree/} into an entry, atomically. {@code counts} are
   * the tree's files, bytes and fingerprint, checked again when the entry is used.
   */
  Entry commit(Path staging, Edition edition, DatomicVersion version, String sha256,
      Trees.Counts counts) throws IOException {
    String key = key(edition, version, sha256);
    Json.write(staging.resolve(ENTRY), new EntryFile(edition.id(), version.toString(), sha256,
        counts.files(), counts.bytes(), counts.fingerprint(), Instant.now().toString()).json());
    Path dir = root.resolve(key);
    Optional<Entry> existing = sameEntry(dir, sha256);
    if (existing.isPresent()) {
      discard(staging); // another build sharing the cache committed it meanwhile
      return existing.get();
    }
    if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      Trees.delete(dir);
    }
    try {
      move(staging, dir);
    } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
      existing = sameEntry(dir, sha256); // committed by another build between the two steps
      if (existing.isEmpty()) {
        throw e;
      }
      discard(staging);
      return existing.get();
    }
    unlock(staging);
    return new Entry(key, dir, edition.id(), version.toString(), sha256, counts);
  }

  /** The complete entry at {@code dir} if it holds the distribution with this checksum. */
  private Optional<Entry> sameEntry(Path dir, String sha256) {
    return Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)
        ? read(dir).filter(e -> e.sha256().equals(sha256)) : Optional.empty();
  }

  /** Removes an entry (found changed or damaged). */
  void remove(Entry entry) throws IOException {
    Trees.delete(entry.dir());
  }

  Optional<Recorded> recorded(Edition edition, DatomicVersion version) {
    return Optional.ofNullable(readIndex().get(edition.id() + "-" + version));
  }

  void record(Edition edition, DatomicVersion version, String sha256) throws IOException {
    Map<String, Recorded> index = readIndex();
    String id = edition.id() + "-" + version;
    Recorded old = index.get(id);
    if (old != null && old.sha256().equals(sha256)) {
      return;
    }
    index.put(id, new Recorded(sha256, Instant.now().toString()));
    while (index.size() > MAX_RECORDS) {
      index.remove(index.keySet().iterator().next());
    }
    Map<String, Object> checksums = new LinkedHashMap<>();
    index.forEach((k, v) -> checksums.put(k, v.json()));
    Json.write(root.resolve(INDEX), Map.of("checksums", checksums)); // whole or not at all
  }

  private Map<String, Recorded> readIndex() {
    Path index = root.resolve(INDEX);
    if (!Files.isRegularFile(index)) {
      return new TreeMap<>();
    }
    try {
      Map<String, Object> checksums = Json.object(Json.read(index), "checksums");
      Map<String, Recorded> map = new TreeMap<>();
      if (checksums != null) {
        for (String k : checksums.keySet()) {
          Recorded v = Recorded.of(Json.object(checksums, k));
          if (v != null && v.sha256() != null && v.sha256().matches("[0-9a-f]{64}")) {
            map.put(k, v);
          }
        }
      }
      return map;
    } catch (IOException | RuntimeException e) {
      return new TreeMap<>(); // unreadable: start again (it only holds first-seen checksums)
    }
  }

  /**
   * Removes every entry but {@code keep}, and what builds that were killed left; returns the
   * entries that went. Another build's work in progress, a staging folder or a file being
   * written (both named with a leading dot), is left alone.
   */
  List<String> prune(String keep) throws IOException {
    List<String> removed = new ArrayList<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(root)) {
      for (Path p : stream) {
        String name = p.getFileName().toString();
        if (name.equals(INDEX) || name.equals(keep) || name.startsWith(".") && !isLeftover(p)) {
          continue;
        }
        Trees.delete(p);
        if (!name.startsWith(".")) {
          removed.add(name);
        }
      }
    }
    return removed;
  }

  /** Removes what builds that were killed left: staging folders and half-written files. */
  void removeLeftovers() throws IOException {
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(root, ".*")) {
      for (Path p : stream) {
        if (isLeftover(p)) {
          Trees.delete(p);
          if (p.getFileName().toString().startsWith(TEMP_PREFIX)) {
            Files.deleteIfExists(lockFileOf(p));
          }
        }
      }
    }
  }

  /**
   * What a killed build left, as opposed to another build's work in progress on the same cache:
   * a staging folder (or its lock file) whose lock no build holds, or a file half-written
   * ({@link datomic.buildpack.files.AtomicFile}) and untouched for an hour.
   */
  private boolean isLeftover(Path p) {
    String name = p.getFileName().toString();
    if (name.startsWith(TEMP_PREFIX)) {
      return !locks.containsKey(p) && !heldByAnother(lockFileOf(p));
    }
    if (name.startsWith(LOCK_PREFIX)) {
      return !locks.containsKey(root.resolve(TEMP_PREFIX + name.substring(LOCK_PREFIX.length())))
          && !heldByAnother(p);
    }
    if (name.endsWith(".tmp")) {
      try {
        Instant modified = Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS).toInstant();
        return modified.isBefore(Instant.now().minus(LEFTOVER_AGE));
      } catch (IOException e) {
        return false; // gone already
      }
    }
    return false;
  }

  /** Whether a build holds this lock file's lock (none when there is no lock file). */
  private static boolean heldByAnother(Path lockFile) {
    try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
      FileLock lock = channel.tryLock();
      if (lock == null) {
        return true;
      }
      lock.release();
      return false;
    } catch (OverlappingFileLockException e) {
      return true; // held in this JVM
    } catch (IOException e) {
      return false; // no lock file: a staging folder from before locks, or from a killed build
    }
  }

  public static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to);
    }
  }
}
