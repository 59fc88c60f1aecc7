package datomic.buildpack.compile.distribution.download;

import datomic.buildpack.compile.distribution.download.DownloadException.Kind;
import datomic.buildpack.files.Streams;
import datomic.buildpack.output.Units;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@code file:} URL's zip, for air-gapped builds. Only a regular file is opened (following
 * links): a folder, a FIFO (opening one waits for a writer, forever), a device ({@code /dev/zero}
 * never ends) or a socket is refused, saying what it is; a missing file, a dangling link, a link
 * loop and a file the build may not read each get their own message. An error while reading is
 * reported as reading the file failing, not as a damaged zip.
 */
final class FileSource {
  private static final int MAX_LISTED = 5;

  private FileSource() {}

  static Downloader.Download open(Path path, long maxBytes) throws IOException {
    BasicFileAttributes attrs;
    try {
      attrs = Files.readAttributes(path, BasicFileAttributes.class);
    } catch (NoSuchFileException e) {
      throw new DownloadException(Kind.NO_FILE, missing(path));
    } catch (IOException e) {
      throw new DownloadException(Kind.NO_FILE, "cannot read " + path + ": " + reason(e));
    }
    if (attrs.isDirectory()) {
      throw new DownloadException(Kind.NO_FILE, path + " is a folder, not a zip file"
          + zipsIn(path, " (it holds ", ")"));
    }
    if (!attrs.isRegularFile()) {
      throw new DownloadException(Kind.NO_FILE, path + " is " + kind(path)
          + ", not a zip file");
    }
    long size = attrs.size();
    if (size > maxBytes) {
      throw new DownloadException(Kind.TOO_LARGE, path + " is " + Units.mbApartFrom(size, maxBytes)
          + ", more than the " + Units.mbApartFrom(maxBytes, size) + " a Datomic zip may have");
    }
    InputStream in;
    try {
      in = Files.newInputStream(path);
    } catch (IOException e) {
      throw new DownloadException(Kind.NO_FILE, "cannot read " + path + ": " + reason(e));
    }
    return new Downloader.Download() {
      private long count;

      @Override
      public int read() throws IOException {
        return Streams.readOne(this);
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        int n;
        try {
          n = in.read(b, off, len);
        } catch (IOException e) {
          throw new DownloadException(Kind.NO_FILE, "reading " + path + " failed after "
              + Units.bytes(count) + ": " + reason(e));
        }
        if (n > 0) {
          count += n;
          if (count > maxBytes) {
            throw new DownloadException(Kind.TOO_LARGE, path + " grew past "
                + Units.mb(maxBytes) + " while it was read, more than a Datomic zip may have");
          }
        }
        return n;
      }

      @Override
      public void close() throws IOException {
        in.close();
      }

      @Override
      public long length() {
        return size;
      }

      @Override
      public boolean isNetwork() {
        return false;
      }
    };
  }

  /** Why there is nothing at {@code path}: a dangling link, a missing folder, or no such file. */
  private static String missing(Path path) {
    if (Files.isSymbolicLink(path)) {
      try {
        return path + " is a link to " + Files.readSymbolicLink(path) + ", which does not exist";
      } catch (IOException e) {
        return path + " is a link to something that does not exist";
      }
    }
    Path folder = path.getParent();
    if (folder == null || !Files.isDirectory(folder)) {
      return "there is no file at " + path + " (there is no folder " + folder + " either)";
    }
    return "there is no file at " + path + zipsIn(folder, " (" + folder + " holds ", ")");
  }

  /** The zip files in {@code folder}, between {@code before} and {@code after}, or "". */
  private static String zipsIn(Path folder, String before, String after) {
    List<String> zips = new ArrayList<>();
    int more = 0;
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(folder, "*.zip")) {
      for (Path p : stream) {
        if (zips.size() < MAX_LISTED) {
          zips.add(p.getFileName().toString());
        } else {
          more++;
        }
      }
    } catch (IOException | RuntimeException e) {
      return "";
    }
    zips.sort(null);
    if (zips.isEmpty()) {
      return before + "no zip file" + after;
    }
    return before + String.join(", ", zips) + (more > 0 ? " and " + more + " more" : "") + after;
  }

  /** What a file that is neither a folder nor a regular file is. */
  private static String kind(Path path) {
    try {
      int type = (Integer) Files.getAttribute(path, "unix:mode") & 0170000;
      return switch (type) {
        case 0010000 -> "a named pipe (FIFO)";
        case 0020000 -> "a character device";
        case 0060000 -> "a block device";
        case 0140000 -> "a socket";
        default -> "a special file";
      };
    } catch (IOException | RuntimeException e) {
      return Files.isSymbolicLink(path) ? "a link to a special file" : "a special file";
    }
  }

  /** A file system error as a person reads it: "permission denied", not the bare path. */
  static String reason(IOException e) {
    if (e instanceof AccessDeniedException) {
      return "permission denied (the build runs as " + System.getProperty("user.name") + ")";
    }
    if (e instanceof FileSystemException f && f.getReason() != null) {
      return f.getReason().isEmpty() ? f.getClass().getSimpleName()
          : Character.toLowerCase(f.getReason().charAt(0)) + f.getReason().substring(1);
    }
    String message = e.getMessage();
    return message == null || message.isBlank() ? e.getClass().getSimpleName()
        : Character.toLowerCase(message.charAt(0)) + message.substring(1);
  }
}
