package datomic.buildpack.compile.distribution.zip;

import datomic.buildpack.compile.distribution.download.DownloadException;
import datomic.buildpack.compile.distribution.download.DownloadPolicy;
import datomic.buildpack.compile.distribution.zip.ArchiveException.Kind;
import datomic.buildpack.files.PassThroughStream;
import datomic.buildpack.output.Units;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumSet;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.zip.CRC32;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveInputStream;
import org.apache.commons.compress.archivers.zip.ZipFile;

/**
 * Unpacks a Datomic zip while it is still arriving, with bounded memory, into a staging folder.
 *
 * <p>Pass one streams the local entries ({@link ZipArchiveInputStream}): names are checked before
 * anything is written (no {@code ..}, no absolute or drive paths, one top folder), sizes and
 * entry counts are capped, excluded paths are skipped, and a CRC-32 is kept per file. The last
 * {@link DownloadPolicy#maxCentralDirectoryBytes()} bytes stay in memory ({@link ZipTail}). Pass
 * two reads the central directory from them ({@link ZipFile}, local headers ignored), which a
 * stream cannot see: it must list exactly the streamed entries with the same CRCs; it gives the
 * Unix modes (exec bits) and the symlinks, whose targets must stay inside the distribution.
 */
public final class ZipUnpacker {
  private static final int BUFFER = 64 * 1024;
  private static final int MAX_LINK_TARGET = 1024;
  private static final int FILE_MODE = 0644;
  private static final int DIR_MODE = 0755;
  /** Linux's NAME_MAX and PATH_MAX (less its NUL): the longest name and path it can create. */
  private static final int NAME_MAX = 255;
  private static final int PATH_MAX = 4095;
  /**
   * An entry past its first {@link #RATIO_FLOOR} bytes that expands more than this many times is
   * a zip bomb: a Datomic distribution's files (jars, scripts, text) expand at most about 10
   * times; zeros expand about 1000 times.
   */
  private static final int MAX_RATIO = 100;
  private static final long RATIO_FLOOR = 1 << 20;

  private final long maxExpandedBytes;
  private final int maxEntries;
  private final List<String> exclude;
  private final int maxCentralDirectory;

  /** What was unpacked. */
  public record Result(long bytes, int files, int skipped) {}

  private record Streamed(long crc, long size, boolean directory, boolean excluded) {}

  /**
   * Caps from {@code policy}: the expanded size, the entries and the central directory (the
   * memory kept for it); {@code exclude} names the paths left out.
   */
  public ZipUnpacker(DownloadPolicy policy, List<String> exclude) {
    this.maxExpandedBytes = policy.maxExpandedBytes();
    this.maxEntries = policy.maxEntries();
    this.exclude = List.copyOf(exclude);
    this.maxCentralDirectory = policy.maxCentralDirectoryBytes();
  }

  /**
   * Unpacks the zip read from {@code source} into {@code tree} (which must not exist), without its
   * top folder {@code expectedTop}. Reads {@code source} to its end. On failure the caller deletes
   * {@code tree}.
   */
  public Result unpack(InputStream source, String expectedTop, Path tree) throws IOException {
    Files.createDirectory(tree, folderMode());
    Map<String, Streamed> streamed = new HashMap<>();
    ZipTail tail = new ZipTail(maxCentralDirectory);
    // Buffered above the tee: the tee, the digest below it and the source see 64 KB reads, not
    // the 512-byte ones the zip reader makes.
    InputStream buffered = new BufferedInputStream(new TeeInputStream(source, tail), BUFFER);
    checkItIsAZip(buffered);
    long total = streamEntries(buffered, expectedTop, tree, streamed);
    drain(buffered);
    return finish(tail, expectedTop, tree, streamed, total);
  }

  /**
   * Looks at the first bytes (and puts them back): a page, a document or another archive served
   * in the zip's place is named as what it is, not reported as a zip cut short.
   */
  private static void checkItIsAZip(InputStream buffered) throws IOException {
    buffered.mark(NotAZip.SNIFF);
    byte[] head = buffered.readNBytes(NotAZip.SNIFF);
    buffered.reset();
    if (head.length == 0) {
      throw new ArchiveException(Kind.NOT_A_ZIP, "it is empty (0 bytes)");
    }
    boolean zip = head.length >= 4 && head[0] == 'P' && head[1] == 'K'
        && (head[2] == 3 && head[3] == 4 // a local entry
            || head[2] == 5 && head[3] == 6 // the end record of an empty zip
            || head[2] == 7 && head[3] == 8); // a split zip's marker, then an entry
    if (!zip) {
      throw new ArchiveException(Kind.NOT_A_ZIP, NotAZip.describe(head, head.length));
    }
  }

  private long streamEntries(InputStream in, String expectedTop, Path tree,
      Map<String, Streamed> streamed) throws IOException {
    long total = 0;
    long skippedBytes = 0;
    byte[] buffer = new byte[BUFFER];
    CRC32 crc = new CRC32();
    @SuppressWarnings("resource") // closing it would close `in`, which the caller drains
    // Names are read as UTF-8 (or as the entry's UTF-8 flag says) without the Unicode-path extra
    // fields: the central directory reader cannot apply those without the local headers, and
    // both passes must name each entry alike.
    ZipArchiveInputStream zip = new ZipArchiveInputStream(in, "UTF-8", false, true);
    while (true) {
      ZipArchiveEntry entry;
      try {
        entry = zip.getNextZipEntry();
      } catch (IOException e) {
        throw archiveProblem(e, "reading an entry header");
      }
      if (entry == null) {
        break;
      }
      String name = entry.getName();
      String rel = relativeName(name, expectedTop);
      if (streamed.size() >= maxEntries) {
        throw new ArchiveException(Kind.TOO_BIG, "the zip has more than " + maxEntries
            + " entries, more than a Datomic distribution has");
      }
      if (streamed.containsKey(name)) {
        throw new ArchiveException(Kind.UNSAFE, "the zip lists '" + name + "' twice");
      }
      if (rel.isEmpty()) {
        streamed.put(name, new Streamed(0, 0, true, false));
        continue;
      }
      boolean excluded = isExcluded(rel);
      if (excluded) {
        streamed.put(name, new Streamed(0, 0, entry.isDirectory(), true));
        if (!entry.isDirectory() && entry.getGeneralPurposeBit().usesDataDescriptor()) {
          // Without sizes in its header, only inflating it finds its end: done here, within the
          // same limits, rather than by the next getNextZipEntry without any.
          skippedBytes += expand(zip, entry, name, buffer, null, null, skippedBytes);
        }
        continue; // else the next getNextZipEntry skips its compressed bytes unread
      }
      Path out;
      try {
        out = tree.resolve(rel).normalize();
      } catch (InvalidPathException e) {
        // e.g. a non-ASCII name when the build runs in the C locale (sun.jnu.encoding ASCII)
        throw new ArchiveException(Kind.UNSAFE, "entry '" + printable(name) + "' has a name this"
            + " system cannot write in its character set ("
            + System.getProperty("sun.jnu.encoding", "unknown") + ")");
      }
      if (!out.startsWith(tree) || out.equals(tree)) {
        throw new ArchiveException(Kind.UNSAFE, "entry '" + name + "' would be written outside the distribution");
      }
      checkNameLengths(name, rel, out);
      if (entry.isDirectory()) {
        ensureDirectory(out, name);
        streamed.put(name, new Streamed(0, 0, true, false));
        continue;
      }
      if (entry.getSize() > 0 && total + entry.getSize() > maxExpandedBytes) {
        throw tooBig(name);
      }
      ensureDirectory(out.getParent(), name);
      crc.reset();
      long size;
      // Created rw-r--r-- whatever the umask (000 would leave it writable by anyone); the
      // central directory's mode, cleaned the same way, comes later.
      try (OutputStream file = Channels.newOutputStream(Files.newByteChannel(out,
          EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
          PosixFilePermissions.asFileAttribute(permissions(FILE_MODE))))) {
        size = expand(zip, entry, name, buffer, crc, file, total);
      } catch (FileAlreadyExistsException e) {
        throw new ArchiveException(Kind.UNSAFE, "the zip lists '" + name + "' twice");
      } catch (FileSystemException e) {
        throw tooLongOr(e, name);
      }
      total += size;
      streamed.put(name, new Streamed(crc.getValue(), size, false, false));
    }
    return total;
  }

  /**
   * Inflates the current entry into {@code file} (or nowhere, for an entry left out), counting
   * the bytes as they come: the expanded total ({@code before} plus this entry) stays within the
   * cap, the entry within the size its header declares, and past its first megabyte within
   * {@link #MAX_RATIO} times the compressed bytes read for it. An entry without sizes in its
   * header (a data descriptor) is so stopped within a few megabytes, not at the cap.
   */
  private long expand(ZipArchiveInputStream zip, ZipArchiveEntry entry, String name,
      byte[] buffer, CRC32 crc, OutputStream file, long before) throws IOException {
    long declared = entry.getGeneralPurposeBit().usesDataDescriptor() ? -1 : entry.getSize();
    long size = 0;
    while (true) {
      int n;
      try {
        n = zip.readNBytes(buffer, 0, buffer.length); // whole buffers: few, large writes
      } catch (IOException e) {
        throw archiveProblem(e, "reading '" + name + "'");
      }
      if (n <= 0) {
        return size;
      }
      size += n;
      if (before + size > maxExpandedBytes) {
        throw tooBig(name);
      }
      if (declared >= 0 && size > declared) {
        throw new ArchiveException(Kind.UNSAFE, "'" + printable(name) + "' holds more than the "
            + Units.bytes(declared) + " its header declares");
      }
      if (size > RATIO_FLOOR) {
        long compressed = zip.getCompressedCount();
        if (compressed > 0 && size > MAX_RATIO * compressed) {
          throw new ArchiveException(Kind.TOO_BIG, "'" + printable(name) + "' expands more than "
              + MAX_RATIO + " times (" + Units.mb(size) + " from " + Units.bytes(compressed)
              + " so far), far more than a Datomic distribution's files do (a zip bomb?)");
        }
      }
      if (file != null) {
        crc.update(buffer, 0, n);
        file.write(buffer, 0, n);
      }
    }
  }

  /**
   * Names that no file system here could create are refused before anything is written, with
   * that reason (it was a misleading "disk full"): a part of a path longer than 255 bytes, or a
   * whole path longer than 4,095.
   */
  private static void checkNameLengths(String name, String rel, Path out)
      throws ArchiveException {
    for (String part : rel.split("/")) {
      int bytes = part.getBytes(StandardCharsets.UTF_8).length;
      if (bytes > NAME_MAX) {
        throw new ArchiveException(Kind.UNSAFE, "entry '" + printable(name) + "' has a name too"
            + " long for a file system: '" + printable(part) + "' is " + Units.bytes(bytes)
            + ", a file or folder name may have at most " + NAME_MAX);
      }
    }
    int bytes = out.toString().getBytes(StandardCharsets.UTF_8).length;
    if (bytes > PATH_MAX) {
      throw new ArchiveException(Kind.UNSAFE, "entry '" + printable(name) + "' has a path too"
          + " long for a file system: unpacked, it is " + Units.bytes(bytes) + ", a path may have"
          + " at most " + Units.bytes(PATH_MAX));
    }
  }

  /** ENAMETOOLONG (this file system's limits are lower) as such; anything else as it is. */
  private static IOException tooLongOr(FileSystemException e, String name) {
    if (String.valueOf(e.getReason()).toLowerCase(Locale.ROOT).contains("name too long")) {
      return new ArchiveException(Kind.UNSAFE, "entry '" + printable(name) + "' has a name or path"
          + " too long for the build's file system (" + e.getReason() + ")", e);
    }
    return e;
  }

  private void ensureDirectory(Path dir, String entryName) throws IOException {
    if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try {
      Files.createDirectories(dir, folderMode());
    } catch (FileAlreadyExistsException e) {
      throw new ArchiveException(Kind.UNSAFE, "entry '" + entryName
          + "' is inside something that is not a folder");
    } catch (FileSystemException e) {
      throw tooLongOr(e, entryName);
    }
  }

  private ArchiveException tooBig(String name) {
    return new ArchiveException(Kind.TOO_BIG, "unpacking '" + printable(name) + "' would take the"
        + " files past " + Units.mb(maxExpandedBytes) + ", more than a Datomic distribution needs"
        + " (a zip bomb?)");
  }

  private static IOException archiveProblem(IOException e, String doing) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof DownloadException d) {
        return d;
      }
      if (c instanceof ArchiveException a) {
        return a;
      }
    }
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    if (e instanceof EOFException || message.toLowerCase().contains("truncated")) {
      return new ArchiveException(Kind.TRUNCATED, "the zip ends early, while " + doing, e);
    }
    return new ArchiveException(Kind.CORRUPT, "the zip is damaged (" + message + ") while "
        + doing, e);
  }

  /**
   * The entry's path below the top folder ("" for the folder itself); rejects anything that could
   * land outside it.
   */
  static String relativeName(String name, String expectedTop) throws ArchiveException {
    if (name.isEmpty() || name.indexOf('\0') >= 0 || name.indexOf('\\') >= 0) {
      throw new ArchiveException(Kind.UNSAFE, "entry '" + printable(name)
          + "' has a malformed name");
    }
    if (name.startsWith("/") || name.matches("^[A-Za-z]:.*")) {
      throw new ArchiveException(Kind.UNSAFE, "entry '" + printable(name)
          + "' has an absolute path");
    }
    String[] parts = name.split("/", -1);
    for (int i = 0; i < parts.length; i++) {
      String part = parts[i];
      if (part.equals("..") || part.equals(".")) {
        throw new ArchiveException(Kind.UNSAFE, "entry '" + printable(name)
            + "' contains '" + part + "' (a path that climbs out of the folder)");
      }
      if (part.isEmpty() && i < parts.length - 1) {
        throw new ArchiveException(Kind.UNSAFE, "entry '" + printable(name)
            + "' has an empty path segment");
      }
    }
    if (!parts[0].equals(expectedTop) || parts.length == 1) {
      throw new ArchiveException(Kind.WRONG_TOP, parts[0]);
    }
    String rel = name.substring(expectedTop.length() + 1);
    return rel.endsWith("/") ? rel.substring(0, rel.length() - 1) : rel;
  }

  private boolean isExcluded(String rel) {
    for (String prefix : exclude) {
      String bare = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
      if (rel.equals(bare) || rel.startsWith(bare + "/")) {
        return true;
      }
    }
    return false;
  }

  private static String printable(String name) {
    String shown = name.replaceAll("[\\p{Cntrl}]", "?");
    return shown.length() > 200 ? shown.substring(0, 200) + "..." : shown;
  }

  /** Reads the rest (the central directory) so the tail and any digest are complete. */
  private static void drain(InputStream in) throws IOException {
    byte[] scratch = new byte[BUFFER];
    while (in.read(scratch, 0, scratch.length) >= 0) {
      // keep reading
    }
  }

  /** Pass two: check the central directory against what was streamed; apply modes and links. */
  private Result finish(ZipTail tail, String expectedTop, Path tree,
      Map<String, Streamed> streamed, long total) throws IOException {
    List<ZipArchiveEntry> links = new ArrayList<>();
    int files = 0;
    int skipped = 0;
    int listed = 0;
    // Local headers are before the tail: only the central directory is read.
    try (ZipFile zip = ZipFile.builder().setSeekableByteChannel(tail.channel())
        .setCharset(StandardCharsets.UTF_8).setUseUnicodeExtraFields(false)
        .setIgnoreLocalFileHeader(true).get()) {
      for (Enumeration<ZipArchiveEntry> e = zip.getEntries(); e.hasMoreElements(); ) {
        ZipArchiveEntry entry = e.nextElement();
        listed++;
        String name = entry.getName();
        String rel = relativeName(name, expectedTop);
        Streamed seen = streamed.get(name);
        if (seen == null) {
          throw new ArchiveException(Kind.CORRUPT, "the zip's directory lists '" + printable(name)
              + "', which is not in its contents");
        }
        if (seen.excluded()) {
          skipped++;
          continue;
        }
        if (rel.isEmpty() || seen.directory()) {
          if (!rel.isEmpty()) {
            applyMode(tree.resolve(rel), entry, true);
          }
          continue;
        }
        if (entry.getCrc() != -1 && entry.getCrc() != seen.crc() || entry.getSize() != -1
            && entry.getSize() != seen.size()) {
          throw new ArchiveException(Kind.CORRUPT, "'" + name + "' is damaged (its CRC or size"
              + " does not match the zip's directory)");
        }
        if (entry.isUnixSymlink()) {
          links.add(entry);
          continue;
        }
        applyMode(tree.resolve(rel), entry, false);
        applyTime(tree.resolve(rel), entry);
        files++;
      }
      if (listed != streamed.size()) {
        throw new ArchiveException(Kind.CORRUPT, "the zip's directory lists " + listed
            + " entries but its contents hold " + streamed.size());
      }
    } catch (ArchiveException e) {
      throw e;
    } catch (IOException e) {
      throw directoryProblem(tail, e);
    }
    for (ZipArchiveEntry link : links) {
      makeLink(tree, relativeName(link.getName(), expectedTop), link.getName());
      files++;
    }
    // Each link was checked on its own; chained links (one through another, made later) could
    // still lead out. Now that all exist, every link must really resolve inside the tree.
    for (ZipArchiveEntry link : links) {
      String rel = relativeName(link.getName(), expectedTop);
      checkResolvesInside(tree, rel, link.getName());
    }
    return new Result(total, files, skipped);
  }

  /**
   * Why the central directory could not be read, from the zip's end record: without one the zip
   * is cut short; with one, its directory is damaged, or too large when the reader had to look
   * before the kept tail and the end record gives a size larger than it. (A reader also looks
   * before the tail when the end record gives a wrong place for the directory.)
   */
  private ArchiveException directoryProblem(ZipTail tail, IOException e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
      if (c.getMessage() != null) {
        message = c.getMessage(); // the innermost reason, not "Error reading Zip content from"
      }
    }
    long end = tail.endRecord();
    if (end < 0) {
      return new ArchiveException(Kind.TRUNCATED,
          "the zip is incomplete (its central directory is missing or damaged: " + message + ")",
          e);
    }
    long size = tail.centralDirectorySize(end);
    if (causedBy(e, ZipTail.BeforeTailException.class)) {
      if (size > tail.capacity()) {
        return new ArchiveException(Kind.TOO_BIG, "the zip's central directory (its list of"
            + " entries) is larger than " + Units.binarySize(tail.capacity())
            + ", far more than a Datomic distribution's", e);
      }
      message = size < 0 ? "its ZIP64 end record is missing"
          : "the zip's end record gives a wrong place for it";
    }
    return new ArchiveException(Kind.CORRUPT, "the zip's central directory is damaged ("
        + message + ")", e);
  }

  /**
   * The entry's modification time, as unzip keeps it: the build cache's fingerprint of a file
   * includes its time, and anything written to the file later gets a newer one.
   */
  private static void applyTime(Path path, ZipArchiveEntry entry) throws IOException {
    FileTime time = entry.getLastModifiedTime();
    if (time != null && time.toMillis() > 0) {
      Files.setLastModifiedTime(path, time);
    }
  }

  private static void applyMode(Path path, ZipArchiveEntry entry, boolean directory)
      throws IOException {
    int recorded = entry.getPlatform() == ZipArchiveEntry.PLATFORM_UNIX
        ? entry.getUnixMode() & 0777 : 0;
    Files.setPosixFilePermissions(path, permissions(mode(recorded, directory)));
  }

  /**
   * The mode a file or folder gets from the one its entry records: the owner's bits, always
   * with read and write (and search, for a folder); the group's and others' without write, so
   * nothing in the slug or the cache is writable by anyone but its owner (a 0777 entry becomes
   * 0755); setuid, setgid and sticky bits dropped. No mode recorded: rw-r--r--, rwxr-xr-x.
   */
  static int mode(int recorded, boolean directory) {
    if ((recorded & 0777) == 0) {
      return directory ? DIR_MODE : FILE_MODE;
    }
    return recorded & 0755 | (directory ? 0700 : 0600);
  }

  /** rwxr-xr-x at creation, narrowed by the umask but never widened (a umask of 000 would). */
  public static FileAttribute<Set<PosixFilePermission>> folderMode() {
    return PosixFilePermissions.asFileAttribute(permissions(DIR_MODE));
  }

  static Set<PosixFilePermission> permissions(int mode) {
    Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
    PosixFilePermission[] order = {
        PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE,
        PosixFilePermission.OTHERS_READ, PosixFilePermission.GROUP_EXECUTE,
        PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
        PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE,
        PosixFilePermission.OWNER_READ};
    for (int bit = 0; bit < order.length; bit++) {
      if ((mode & (1 << bit)) != 0) {
        set.add(order[bit]);
      }
    }
    return set;
  }

  /** Replaces the streamed file holding the link's target by the link, if it stays inside. */
  private static void makeLink(Path tree, String rel, String name) throws IOException {
    Path where = tree.resolve(rel);
    if (Files.size(where) > MAX_LINK_TARGET) {
      throw new ArchiveException(Kind.UNSAFE, "symlink '" + printable(name)
          + "' has a target of " + Files.size(where) + " bytes; no real link is that long");
    }
    byte[] raw = Files.readAllBytes(where);
    String target = new String(raw, StandardCharsets.UTF_8);
    if (raw.length == 0 || raw.length > MAX_LINK_TARGET || target.indexOf('\0') >= 0
        || target.startsWith("/") || target.indexOf('\\') >= 0) {
      throw new ArchiveException(Kind.UNSAFE, "symlink '" + name + "' points to '"
          + printable(target) + "', outside the distribution");
    }
    Path resolved = where.getParent().resolve(target).normalize();
    if (!resolved.startsWith(tree)) {
      throw new ArchiveException(Kind.UNSAFE, "symlink '" + name + "' points to '"
          + printable(target) + "', outside the distribution");
    }
    Files.delete(where);
    Files.createSymbolicLink(where, Path.of(target));
    // Links through other links could still climb out: check where it really leads.
    if (!leadsInside(tree, where, Path.of(target))) {
      Files.delete(where);
      throw new ArchiveException(Kind.UNSAFE, "symlink '" + name + "' points to '"
          + printable(target) + "', outside the distribution");
    }
  }

  private static void checkResolvesInside(Path tree, String rel, String name) throws IOException {
    Path where = tree.resolve(rel);
    Path target = Files.readSymbolicLink(where);
    if (!leadsInside(tree, where, target)) {
      throw new ArchiveException(Kind.UNSAFE, "symlink '" + printable(name) + "' points to '"
          + printable(target.toString()) + "', outside the distribution (through another link)");
    }
  }

  /**
   * Whether the link {@code where} really leads inside {@code tree}, dangling or not: the longest
   * part of its target that exists is resolved as the system would (through any links), and the
   * missing rest, which holds no link, is appended by name. A link that dangles into a folder left
   * out of the slug is inside; one whose missing target would be created outside the tree (by
   * writing through it) is not.
   */
  static boolean leadsInside(Path tree, Path where, Path target) throws IOException {
    Path existing = where.getParent().resolve(target); // not normalized: "s/.." follows s
    Deque<Path> missing = new ArrayDeque<>();
    while (existing != null && !Files.exists(existing)) {
      missing.push(existing.getFileName());
      existing = existing.getParent();
    }
    if (existing == null) {
      return false;
    }
    Path real = existing.toRealPath();
    while (!missing.isEmpty()) {
      Path name = missing.pop();
      if (name.toString().equals("..")) {
        // A ".." after a part that does not exist yet cannot be judged by name: that part may be
        // a dangling link (or become a folder later) and ".." would then climb from wherever it
        // leads. No real distribution needs one.
        return false;
      }
      real = real.resolve(name);
    }
    return real.normalize().startsWith(tree.toRealPath());
  }


  private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (type.isInstance(c)) {
        return true;
      }
    }
    return false;
  }

  /** Copies every byte read to a side output (the tail). */
  private static final class TeeInputStream extends PassThroughStream {
    private final OutputStream copy;

    TeeInputStream(InputStream in, OutputStream copy) {
      super(in);
      this.copy = copy;
    }

    @Override
    public int read() throws IOException {
      int b = in.read();
      if (b >= 0) {
        copy.write(b);
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = in.read(b, off, len);
      if (n > 0) {
        copy.write(b, off, n);
      }
      return n;
    }

    @Override
    public void close() {
      // the caller owns both streams
    }
  }
}
