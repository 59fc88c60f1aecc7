package datomic.buildpack.files;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The buildpack's small JSON files, read into plain maps and lists and written from them with
 * jackson-jr. Not jackson-databind: every build and every dyno boot starts a JVM, and databind's
 * first use alone loads some 600 classes (its own and the JDK's it pulls in). The field readers
 * return null for a field that is absent or null, convert scalars as databind did by default ({@code 5} is the text "5", {@code
 * "5"} the number 5) and throw for a value of the wrong shape; unknown fields are not read.
 */
public final class Json {
  /** As databind by default: a key given twice keeps its last value. */
  private static final JSON READER = JSON.std.without(JSON.Feature.FAIL_ON_DUPLICATE_MAP_KEYS);
  /** The same bytes as databind's {@code INDENT_OUTPUT}, null values included. */
  private static final JSON INDENTED =
      JSON.std.with(JSON.Feature.PRETTY_PRINT_OUTPUT, JSON.Feature.WRITE_NULL_PROPERTIES);
  private static final JSON COMPACT = JSON.std.with(JSON.Feature.WRITE_NULL_PROPERTIES);

  private Json() {}

  /** A file holding one JSON object. */
  public static Map<String, Object> read(Path file) throws IOException {
    return present(READER.mapFrom(file.toFile()));
  }

  /** A stream holding one JSON object (not closed). */
  public static Map<String, Object> read(InputStream in) throws IOException {
    return present(READER.mapFrom(in));
  }

  /** Writes {@code object} indented, two spaces a level, whole or not at all ({@link AtomicFile}). */
  public static void write(Path file, Map<String, ?> object) throws IOException {
    AtomicFile.write(file, INDENTED.asBytes(object));
  }

  /** Writes {@code object} on one line, whole or not at all ({@link AtomicFile}). */
  public static void writeCompact(Path file, Map<String, ?> object) throws IOException {
    AtomicFile.write(file, COMPACT.asBytes(object));
  }

  public static String string(Map<String, ?> object, String field) throws IOException {
    return text(object.get(field), field);
  }

  /** A whole number (a fraction is cut off). */
  public static Long integer(Map<String, ?> object, String field) throws IOException {
    Object value = object.get(field);
    if (value instanceof String text) { // as databind: a number in quotes is a number
      try {
        return Long.parseLong(text.strip());
      } catch (NumberFormatException e) {
        throw new IOException(field + ": expected a number");
      }
    }
    Number n = as(Number.class, value, field, "a number");
    return n == null ? null : n.longValue();
  }

  /** A boolean; absent or null is false. */
  public static boolean flag(Map<String, ?> object, String field) throws IOException {
    Object value = object.get(field);
    if ("true".equals(value) || "false".equals(value)) { // as databind: also in quotes
      return Boolean.parseBoolean((String) value);
    }
    return Boolean.TRUE.equals(as(Boolean.class, value, field, "true or false"));
  }

  public static Map<String, Object> object(Map<String, ?> object, String field)
      throws IOException {
    return object(object.get(field), field);
  }

  public static List<String> strings(Map<String, ?> object, String field) throws IOException {
    List<?> list = as(List.class, object.get(field), field, "a list");
    if (list == null) {
      return null;
    }
    List<String> strings = new ArrayList<>();
    for (Object item : list) {
      strings.add(text(item, field));
    }
    return strings;
  }

  public static List<Map<String, Object>> objects(Map<String, ?> object, String field)
      throws IOException {
    List<?> list = as(List.class, object.get(field), field, "a list");
    if (list == null) {
      return null;
    }
    List<Map<String, Object>> objects = new ArrayList<>();
    for (Object item : list) {
      objects.add(object(item, field));
    }
    return objects;
  }

  /** The constant of {@code type} whose name, in lower case, is the field's text. */
  public static <E extends Enum<E>> E constant(Class<E> type, Map<String, ?> object, String field)
      throws IOException {
    String text = string(object, field);
    if (text == null) {
      return null;
    }
    for (E constant : type.getEnumConstants()) {
      if (constant.name().toLowerCase(Locale.ROOT).equals(text)) {
        return constant;
      }
    }
    throw new IOException(field + ": unknown value \"" + text + "\"");
  }

  private static Map<String, Object> present(Map<String, Object> document) throws IOException {
    if (document == null) {
      throw new IOException("expected a JSON object, found null");
    }
    return document;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> object(Object value, String field) throws IOException {
    return as(Map.class, value, field, "an object");
  }

  /** Text; as databind, a number or boolean where text is expected is read as its text. */
  private static String text(Object value, String field) throws IOException {
    if (value instanceof Number || value instanceof Boolean) {
      return value.toString();
    }
    return as(String.class, value, field, "text");
  }

  private static <T> T as(Class<T> type, Object value, String field, String expected)
      throws IOException {
    if (value == null || type.isInstance(value)) {
      return type.cast(value);
    }
    throw new IOException(field + ": expected " + expected);
  }
}
