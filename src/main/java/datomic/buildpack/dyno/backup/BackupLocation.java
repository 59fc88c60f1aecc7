package datomic.buildpack.dyno.backup;

import datomic.buildpack.config.Advice;
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
  private static final Pattern FILE = Pattern.compile("file:(?://)?(/.*)");
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
   * Parses {@code raw} (from {@code source}, e.g. "config var DATOMIC_BACKUP_URL").
   *
   * @throws UserError when it is neither {@code s3://bucket[/prefix]} nor {@code file:/path}
   */
  public static BackupLocation parse(String raw, String source) {
    String text = raw.strip();
    while (text.endsWith("/") && !text.equals("file:/")) {
      text = text.substring(0, text.length() - 1);
    }
    Matcher s3 = S3.matcher(text);
    if (s3.matches()) {
      String prefix = s3.group(2) == null ? "" : s3.group(2).substring(1);
      for (String part : prefix.isEmpty() ? new String[0] : prefix.split("/")) {
        if (!SEGMENT.matcher(part).matches()) {
          throw invalid(raw, source, "the prefix part '" + part + "' is empty or has characters"
              + " other than letters, digits and ! _ . * ' ( ) -");
        }
      }
      return new BackupLocation(text, Optional.of(s3.group(1)), prefix, source);
    }
    Matcher file = FILE.matcher(text);
    if (file.matches() && !file.group(1).contains("..")) {
      return new BackupLocation("file:" + file.group(1), Optional.empty(), file.group(1), source);
    }
    throw invalid(raw, source, text.startsWith("s3://") ? "the bucket name is not valid"
        : "it is neither s3://bucket/prefix nor file:/absolute/path");
  }

  private static UserError invalid(String raw, String source, String why) {
    return new UserError("The backup location " + raw.strip() + " (" + source + ") is not usable: "
        + why + ".",
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
