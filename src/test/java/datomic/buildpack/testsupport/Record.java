package datomic.buildpack.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a stand-in of the fake distribution recorded ({@code STUB_*_RECORD}): {@code KEY=value}
 * lines, a key repeated once per value (ARG, OPT, JVM, ...). A line without {@code =} (the rest
 * of a value holding a newline) is not a key.
 */
public final class Record {
  private Record() {}

  /** Every key's values, in order; empty if the stand-in wrote no record. */
  public static Map<String, List<String>> read(Path file) {
    Map<String, List<String>> values = new LinkedHashMap<>();
    for (String line : lines(file)) {
      add(values, line);
    }
    return values;
  }

  /**
   * A record of several calls, each from a {@code CALL=} line to an {@code END} line (as the
   * stand-in bin/datomic appends them): one map per call, the CALL key included.
   */
  public static List<Map<String, List<String>>> calls(Path file) {
    List<Map<String, List<String>>> calls = new ArrayList<>();
    Map<String, List<String>> call = null;
    for (String line : lines(file)) {
      if (line.startsWith("CALL=")) {
        call = new LinkedHashMap<>();
        calls.add(call);
      }
      if (line.equals("END") || call == null) {
        continue;
      }
      add(call, line);
    }
    return calls;
  }

  private static void add(Map<String, List<String>> values, String line) {
    int eq = line.indexOf('=');
    if (eq > 0) {
      values.computeIfAbsent(line.substring(0, eq), k -> new ArrayList<>())
          .add(line.substring(eq + 1));
    }
  }

  /** Split at \n only: a value may hold a carriage return. */
  private static List<String> lines(Path file) {
    try {
      return Files.exists(file) ? List.of(Files.readString(file).split("\n")) : List.of();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
