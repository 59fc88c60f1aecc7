package datomic.buildpack.compile.distribution.zip;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a download that is not a zip (or not the document asked for) looks like, from its first bytes: an HTML page (a login or
 * error page served in the zip's place), an XML or JSON error document (a storage service's
 * answer), another kind of archive, text, or unknown bytes. Everything shown is clipped to a
 * line of printable characters.
 */
public final class NotAZip {
  /** Bytes looked at: enough for a page's title and a tar header's magic (at 257). */
  static final int SNIFF = 1024;
  private static final int SHOWN = 100;
  private static final Pattern TITLE =
      Pattern.compile("<title[^>]*>([^<]*)<", Pattern.CASE_INSENSITIVE);
  private static final Pattern XML_CODE =
      Pattern.compile("<Code>([^<]*)</Code>", Pattern.CASE_INSENSITIVE);
  private static final Pattern XML_MESSAGE =
      Pattern.compile("<Message>([^<]*)</Message>", Pattern.CASE_INSENSITIVE);

  private NotAZip() {}

  /**
   * What the first {@code length} bytes of {@code head} are, as "it is ...". Not empty, and not
   * what {@link ZipUnpacker} takes for a zip.
   */
  static String describe(byte[] head, int length) {
    byte[] b = java.util.Arrays.copyOf(head, length);
    if (starts(b, 0x1f, 0x8b)) {
      return "it is a gzip file (a .gz or .tar.gz), not a zip: Datomic is published as a .zip";
    }
    if (b.length > 262 && new String(b, 257, 5, StandardCharsets.ISO_8859_1).equals("ustar")) {
      return "it is a tar archive, not a zip: Datomic is published as a .zip";
    }
    if (starts(b, 'B', 'Z', 'h')) {
      return "it is a bzip2 file, not a zip";
    }
    if (starts(b, 0xfd, '7', 'z', 'X', 'Z', 0)) {
      return "it is an xz file, not a zip";
    }
    if (starts(b, '7', 'z', 0xbc, 0xaf, 0x27, 0x1c)) {
      return "it is a 7-Zip archive, not a zip";
    }
    if (starts(b, 'R', 'a', 'r', '!')) {
      return "it is a RAR archive, not a zip";
    }
    if (starts(b, 0x28, 0xb5, 0x2f, 0xfd)) {
      return "it is a Zstandard file, not a zip";
    }
    String trimmed = text(b);
    String lower = trimmed.toLowerCase(Locale.ROOT);
    Optional<String> page = htmlPage(b);
    if (page.isPresent()) {
      return "it is " + page.get() + ", not a zip: a login or error page sent in the zip's place";
    }
    if (lower.startsWith("<?xml") || lower.startsWith("<")) {
      Matcher code = XML_CODE.matcher(trimmed);
      Matcher message = XML_MESSAGE.matcher(trimmed);
      if (code.find()) {
        return "it is an XML error document, not a zip: " + shown(code.group(1))
            + (message.find() ? " (" + shown(message.group(1)) + ")" : "")
            + ", as a storage service (S3, GCS) answers when it refuses";
      }
      return "it is an XML document, not a zip: \"" + shown(trimmed) + "\"";
    }
    if (lower.startsWith("{") || lower.startsWith("[")) {
      return "it is a JSON document, not a zip: " + shown(trimmed)
          + " (an API's answer, often an error)";
    }
    if (isText(b)) {
      return "it is text, not a zip: \"" + shown(trimmed) + "\"";
    }
    StringBuilder hex = new StringBuilder();
    for (int i = 0; i < Math.min(4, b.length); i++) {
      hex.append(i == 0 ? "" : " ").append(Integer.toHexString(0x100 | b[i] & 0xff).substring(1));
    }
    return "it is not a zip: it starts with the bytes " + hex + " (a zip starts with 50 4b 03 04,"
        + " \"PK\")";
  }

  /**
   * "an HTML page titled ..." when the bytes are the start of an HTML page (a login or an error
   * page, sent in place of what was asked for), else empty.
   */
  public static Optional<String> htmlPage(byte[] b) {
    String trimmed = text(b);
    String lower = trimmed.toLowerCase(Locale.ROOT);
    if (!lower.startsWith("<!doctype html") && !lower.startsWith("<html")
        && !lower.contains("<head") && !lower.contains("<body") && !lower.contains("<title")) {
      return Optional.empty();
    }
    Matcher title = TITLE.matcher(trimmed);
    return Optional.of("an HTML page" + (title.find() && !title.group(1).isBlank()
        ? " titled \"" + shown(title.group(1)) + "\"" : ""));
  }

  /** The bytes as UTF-8 text, without a byte-order mark or leading white space. */
  private static String text(byte[] b) {
    String text = new String(b, 0, Math.min(b.length, SNIFF), StandardCharsets.UTF_8);
    return (text.startsWith("\uFEFF") ? text.substring(1) : text).stripLeading();
  }

  private static boolean starts(byte[] b, int... magic) {
    if (b.length < magic.length) {
      return false;
    }
    for (int i = 0; i < magic.length; i++) {
      if ((b[i] & 0xff) != magic[i]) {
        return false;
      }
    }
    return true;
  }

  /** Mostly printable UTF-8 or ASCII: no NUL, few control characters. */
  private static boolean isText(byte[] b) {
    int control = 0;
    for (byte x : b) {
      int c = x & 0xff;
      if (c == 0) {
        return false;
      }
      if (c < 0x20 && c != '\n' && c != '\r' && c != '\t') {
        control++;
      }
    }
    return control * 20 < b.length;
  }

  /** One line of printable characters, clipped. */
  private static String shown(String s) {
    String line = s.replaceAll("\\s+", " ").replaceAll("[\\p{Cntrl}\\p{Cf}]", "?").strip();
    return line.length() > SHOWN ? line.substring(0, SHOWN) + "..." : line;
  }
}
