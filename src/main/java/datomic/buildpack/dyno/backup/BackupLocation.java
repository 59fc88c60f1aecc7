package datomic.buildpack.dyno.backup;

import datomic.buildpack.config.Advice;
import datomic.buildpack.output.Echo;
import datomic.buildpack.output.UserError;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where backups go: {@code s3://bucket/prefix} or {@code file:/absolute/path}, with one folder per
 * database below it ({@code .../NAME}): Datomic refuses to back up two databases to one backup URI
 * ({@code :backup/claim-failed}).
 */
public final class BackupLocation {
  /** S3 bucket names: 3-63 lower-case letters, digits, dots and hyphens. */
  private static final Pattern S3 = Pattern.compile("s3://([a-z0-9][a-z0-9.\\-]{1,61}[a-z0-9])(/.*)?");
  /** What a {@code file:} location's path may hold: nothing a URI would read otherwise. */
  private static final Pattern FILE_CHARACTER = Pattern.compile("[A-Za-z0-9/._~+=,@-]");
  private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9!_.*'()\\-]+");

  private final String base;
  private final Optional<String> bucket;
  private final String prefix;
  private final String source;

  private BackupLocation(String base, Optional<String> bucket, String prefix, String source) {
    this.base = base;
    this.bucket = bucket;
    this.prefix = prefix;
    this.source = source;
  }

  /**
   * Parses {@code raw} (from {@code source}, e.g. "config var DATOMIC_BACKUP_URL"). A location
   * is one folder, named exactly as written: a prefix or path with a {@code .} or {@code ..}
   * part is refused (a dot segment may be resolved away on its way to S3: {@code ./public/x}
   * would land in Bucketeer's world-readable {@code public/}), so is a {@code file:} URL with a
   * host ({@code file://otherhost/x}), a query or fragment ({@code ?}, {@code #}), a space or a
   * {@code %} (Datomic would read such a URI otherwise than written).
   *
   * @throws UserError when it is neither {@code s3://bucket[/prefix]} nor {@code file:/path}
   */
  public static BackupLocation parse(String raw, String source) {
    String text = raw.strip();
    while (text.endsWith("/") && !text.endsWith(":/") && !text.endsWith("//")) {
      text = text.substring(0, text.length() - 1);
    }
    Matcher s3 = S3.matcher(text);
    if (s3.matches()) {
      String prefix = s3.group(2) == null ? "" : s3.group(2).substring(1);
      for (String part : prefix.isEmpty() ? new String[0] : prefix.split("/", -1)) {
        if (part.equals(".") || part.equals("..")) {
          throw invalid(raw, source, "its prefix has a '" + part + "' part; name the folder as"
              + " it is, without . or .. parts");
        }
        if (!SEGMENT.matcher(part).matches()) {
          throw invalid(raw, source, "the prefix part '" + Echo.value(part) + "' is empty or"
              + " has characters other than letters, digits and ! _ . * ' ( ) -");
        }
      }
      return new BackupLocation(text, Optional.of(s3.group(1)), prefix, source);
    }
    if (text.startsWith("file:")) {
      String path = filePath(raw, source, text.substring("file:".length()));
      return new BackupLocation("file:" + path, Optional.empty(), path, source);
    }
    throw invalid(raw, source, text.startsWith("s3://") ? "the bucket name is not valid"
        : "it is neither s3://bucket/prefix nor file:/absolute/path");
  }

  /** The absolute path of a {@code file:} location: {@code /path} or {@code ///path}. */
  private static String filePath(String raw, String source, String rest) {
    String path = rest;
    if (rest.startsWith("///")) {
      path = rest.substring(2);
    } else if (rest.startsWith("//")) {
      throw invalid(raw, source, "a file: URL here names no host (file://HOST/... is another"
          + " machine's file); write file:/absolute/path or file:///absolute/path");
    } else if (!rest.startsWith("/")) {
      throw invalid(raw, source, "a file: URL needs an absolute path (file:/absolute/path)");
    }
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (!FILE_CHARACTER.matcher(String.valueOf(c)).matches()) {
        throw invalid(raw, source, "its path holds " + describe(c) + "; choose a folder whose"
            + " path has only letters, digits and / . _ ~ + = , @ -");
      }
    }
    if (path.equals("/")) {
      throw invalid(raw, source, "it is the root folder; name a folder for the backups");
    }
    for (String part : path.substring(1).split("/", -1)) {
      if (part.isEmpty() || part.equals(".") || part.equals("..")) {
        throw invalid(raw, source, "its path has " + (part.isEmpty() ? "an empty part (//)"
            : "a '" + part + "' part") + "; name the folder as it is");
      }
    }
    return path;
  }

  private static String describe(char c) {
    return switch (c) {
      case ' ' -> "a space (a backup URI cannot hold one as written)";
      case '?' -> "a '?' (it would start the URI's query)";
      case '#' -> "a '#' (it would start the URI's fragment)";
      case '%' -> "a '%' (it would be read as percent-encoding)";
      default -> "the character " + Echo.value(String.valueOf(c));
    };
  }

  private static UserError invalid(String raw, String source, String why) {
    return new UserError("The backup location " + Echo.value(raw.strip()) + " (" + source
        + ") is not usable: " + why + ".",
        "Expected s3://BUCKET/PREFIX (one folder per database is added below it), or",
        "file:/absolute/path for a local run. Fix it: "
            + Advice.system().configSet("DATOMIC_BACKUP_URL=..."));
  }

  /** The backup URI of database {@code name}: the location plus {@code /NAME}. */
  public String forDatabase(String name) {
    return base + "/" + name;
  }

  public String base() {
    return base;
  }

  public String source() {
    return source;
  }

  public boolean s3() {
    return bucket.isPresent();
  }

  public Optional<String> bucket() {
    return bucket;
  }

  /** The key prefix below the bucket (S3), or the path (file). */
  public String prefix() {
    return prefix;
  }
}
