package datomic.buildpack.files;

import java.util.List;
import java.util.Map;

/**
 * Writes plain data as EDN for the Clojure shipped with the buildpack to read with
 * {@code clojure.edn/read-string}: strings, booleans, whole numbers, lists as vectors, maps with
 * keyword keys (a key starting with {@code :}) or string keys.
 */
public final class Edn {
  private Edn() {}

  public static String write(Object value) {
    StringBuilder out = new StringBuilder();
    write(value, out);
    return out.toString();
  }

  private static void write(Object value, StringBuilder out) {
    if (value instanceof String s) {
      string(s, out);
    } else if (value instanceof Boolean || value instanceof Integer || value instanceof Long) {
      out.append(value);
    } else if (value instanceof List<?> list) {
      out.append('[');
      String sep = "";
      for (Object item : list) {
        out.append(sep);
        write(item, out);
        sep = " ";
      }
      out.append(']');
    } else if (value instanceof Map<?, ?> map) {
      out.append('{');
      String sep = "";
      for (Map.Entry<?, ?> e : map.entrySet()) {
        out.append(sep);
        String key = (String) e.getKey();
        if (key.startsWith(":")) {
          if (!key.matches(":[a-z][a-z0-9-]*")) {
            throw new IllegalArgumentException("not a plain keyword: " + key);
          }
          out.append(key);
        } else {
          string(key, out);
        }
        out.append(' ');
        write(e.getValue(), out);
        sep = "\n ";
      }
      out.append('}');
    } else {
      throw new IllegalArgumentException("no EDN for " + (value == null ? "null" : value.getClass()));
    }
  }

  private static void string(String s, StringBuilder out) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append("\\u").append(Character.forDigit(c >> 12 & 0xf, 16))
                .append(Character.forDigit(c >> 8 & 0xf, 16))
                .append(Character.forDigit(c >> 4 & 0xf, 16))
                .append(Character.forDigit(c & 0xf, 16));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }
}
