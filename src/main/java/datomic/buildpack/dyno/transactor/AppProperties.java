package datomic.buildpack.dyno.transactor;

import datomic.buildpack.config.ConfigRegistry;
import datomic.buildpack.output.Echo;
import datomic.buildpack.output.Log;
import datomic.buildpack.output.UserError;
import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * The app's {@code transactor.properties}, read exactly as {@link Properties} (and so Datomic,
 * which gets the rendered file) reads it: backslash escapes, {@code =}, {@code :} or whitespace
 * between key and value, continuation lines, {@code \\uXXXX} escapes, comments. Java's own
 * parser does the reading; every key it produces is recorded in order, repeats included. A key
 * no transactor property could have (a space in it: {@code memory-index-max\ =9g}) is refused;
 * unknown keys and keys given twice get a warning, as unknown config vars do.
 */
final class AppProperties {
  /** What every transactor property name is made of. */
  private static final Pattern CLEAN_KEY = Pattern.compile("[A-Za-z0-9._-]+");

  private final Map<String, String> values = new LinkedHashMap<>();
  private final Map<String, Integer> counts = new LinkedHashMap<>();

  private AppProperties() {}

  static AppProperties read(Path file) {
    String text;
    try {
      byte[] bytes = Files.readAllBytes(file);
      try {
        text = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT)
            .decode(ByteBuffer.wrap(bytes)).toString();
      } catch (CharacterCodingException e) {
        throw new UserError("The app's transactor.properties is not valid UTF-8 text (line "
                + badLine(bytes) + ").",
            "Save it as UTF-8, or write other characters as \\uXXXX escapes.").withCause(e);
      }
    } catch (IOException e) {
      throw new UserError("The app's transactor.properties is unreadable: "
          + Echo.value(String.valueOf(e.getMessage())),
          "Fix the file (one key=value a line) and push again.").withCause(e);
    }
    AppProperties app = new AppProperties();
    Properties recorder = new Properties() {
      private static final long serialVersionUID = 1L;

      @Override
      public synchronized Object put(Object key, Object value) {
        app.counts.merge((String) key, 1, Integer::sum);
        app.values.remove(key); // the order is the last occurrence's, as the value is
        app.values.put((String) key, (String) value);
        return super.put(key, value);
      }
    };
    try {
      recorder.load(new StringReader(text));
    } catch (IOException | IllegalArgumentException e) {
      throw new UserError("The app's transactor.properties is unreadable: "
          + Echo.value(String.valueOf(e.getMessage())),
          "Fix the file (one key=value a line; \\uXXXX escapes have four hex digits) and push"
              + " again.").withCause(e);
    }
    return app;
  }

  /** The line of the first byte that is not UTF-8 (a line in the file, not a logical line). */
  private static int badLine(byte[] bytes) {
    var decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    int line = 1;
    int start = 0;
    for (int i = 0; i <= bytes.length; i++) {
      if (i == bytes.length || bytes[i] == '\n') {
        try {
          decoder.reset().decode(ByteBuffer.wrap(bytes, start, i - start));
        } catch (CharacterCodingException e) {
          return line;
        }
        line++;
        start = i + 1;
      }
    }
    return line - 1;
  }

  /** Every key with the value Datomic would read for it (the last one), in file order. */
  Map<String, String> values() {
    return values;
  }

  /**
   * Refuses keys no transactor property could have; warns of keys given more than once and of
   * keys not among {@code known}. {@code secret} keys' values are never shown.
   */
  void check(Collection<String> known, Collection<String> secret, Log log) {
    for (String key : values.keySet()) {
      if (!CLEAN_KEY.matcher(key).matches()) {
        throw uncleanKey(key, known);
      }
    }
    for (Map.Entry<String, Integer> e : counts.entrySet()) {
      if (e.getValue() > 1) {
        String value = secret.contains(e.getKey()) ? "********"
            : Echo.value(values.get(e.getKey()));
        log.warning("transactor.properties sets " + e.getKey() + " " + e.getValue()
                + " times; the last value (" + value + ") counts.",
            "That is how Datomic reads the file too. Keep one line for " + e.getKey() + ".");
      }
    }
    List<String> unknown = new ArrayList<>();
    for (String key : values.keySet()) {
      if (!known.contains(key)) {
        unknown.add(key + ConfigRegistry.nearest(key, known).map(n -> " (did you mean " + n + "?)")
            .orElse(""));
      }
    }
    if (!unknown.isEmpty()) {
      log.warning("transactor.properties sets " + String.join(", ", unknown) + ", not "
              + (unknown.size() == 1 ? "a transactor property" : "transactor properties")
              + " this buildpack knows.",
          "They are passed on to Datomic as they are; a misspelt key has no effect.",
          "See the buildpack's docs/configuration.md for the transactor properties.");
    }
  }

  private static UserError uncleanKey(String key, Collection<String> known) {
    String written = escape(key, true);
    String meant = key.replaceAll("[^A-Za-z0-9._-]", "");
    String what = key.isEmpty() ? "an empty key (a line starting with = or :)"
        : key.chars().anyMatch(Character::isWhitespace)
            ? "the key \"" + Echo.value(written) + "\", which holds a space or tab"
            : "the key \"" + Echo.value(written) + "\", which holds characters no transactor"
                + " property has";
    List<String> advice = new ArrayList<>();
    advice.add("Datomic would read it as a key of its own, so the setting would not take effect"
        + " (and the buildpack's checks of it would not apply).");
    if (known.contains(meant)) {
      advice.add("Write it as " + meant + "=<value>, without the backslash or other characters.");
    } else {
      advice.add("Transactor property names are letters, digits, dots and hyphens.");
    }
    return new UserError("transactor.properties has " + what + ".",
        advice.toArray(String[]::new));
  }

  /**
   * {@code text} as a key or value of a properties file, escaped so that {@link Properties#load}
   * reads back exactly {@code text}: backslashes, line breaks, tabs and form feeds always; spaces,
   * {@code = : # !} in keys; a leading space in values; anything but printable ASCII as
   * {@code \\uXXXX}, so the file reads the same in any encoding.
   */
  static String escape(String text, boolean key) {
    StringBuilder out = new StringBuilder(text.length() + 8);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '\\' -> out.append("\\\\");
        case '\t' -> out.append("\\t");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\f' -> out.append("\\f");
        case ' ' -> out.append(key || i == 0 ? "\\ " : " ");
        case '=', ':', '#', '!' -> out.append(key ? "\\" : "").append(c);
        default -> {
          if (c < 0x20 || c > 0x7e) {
            String hex = Integer.toHexString(c);
            out.append("\\u").append("0000", hex.length(), 4).append(hex);
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.toString();
  }
}
