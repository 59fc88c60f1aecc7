package datomic.buildpack.compile;

import datomic.buildpack.compile.distribution.download.DownloadException;
import datomic.buildpack.compile.distribution.zip.ArchiveException;
import datomic.buildpack.output.UserError;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The facts {@code bin/report} gives Heroku about a build: when each step began, how the build
 * cache served it, what was installed, how the build ended and, when it failed, the failure's
 * category. Kept in {@code CACHE_DIR/build-data/datomic.txt} as {@code key=value} lines: the
 * {@code bin/compile} shim starts the file afresh and adds its own steps (JDK, CLI) and the exit
 * status; the CLI adds its steps and facts. A key given twice keeps its last value; {@code step}
 * lines accumulate, in order.
 *
 * <p>Writing is best effort, never a reason for a build to fail (the cache is optional). Only
 * fixed words, versions, checksums, sizes and times go in: never a value a user typed, so never a
 * secret. Times are milliseconds since the epoch.
 */
public final class BuildData {
  /** Relative to CACHE_DIR; lib/build_data.sh writes the same file. */
  public static final String FILE = "build-data/datomic.txt";
  private static final int MAX_VALUE = 200;
  /** Keys read to compute the report, or for the shims' own use, not reported as they are. */
  private static final List<String> PLUMBING =
      List.of("started", "finished", "exit_status", "failure_category", "cli_java", "cli_jar");

  private final Path file;

  private BuildData(Path file) {
    this.file = file;
  }

  /** The build data of the build that uses {@code cacheDir}. */
  public static BuildData of(Path cacheDir) {
    return new BuildData(cacheDir.resolve(FILE));
  }

  /** Marks the start of a step of the build (its duration runs to the next step or the end). */
  public void step(String name) {
    append("step", name + "@" + System.currentTimeMillis());
  }

  public void put(String key, String value) {
    append(key, value);
  }

  public void put(String key, long value) {
    append(key, Long.toString(value));
  }

  private void append(String key, String value) {
    String clean = value == null ? "" : value.replaceAll("[\\r\\n]+", " ");
    if (clean.length() > MAX_VALUE) {
      clean = clean.substring(0, MAX_VALUE);
    }
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, key + "=" + clean + "\n", StandardCharsets.UTF_8,
          StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException | RuntimeException e) {
      // best effort: a report with less in it is better than a failed build
    }
  }

  /**
   * The category of a failure in {@code step}, for the report: {@code step::download-not-found},
   * {@code step::archive-corrupt} and the like for the distribution's download and zip,
   * {@code step::user-error} for anything else a user can act on, {@code step::internal} for a
   * bug. Fixed words only: never the message, which may name a user's values.
   */
  public static String category(String step, Throwable failure) {
    for (Throwable c = failure; c != null; c = c.getCause()) {
      if (c instanceof DownloadException d) {
        return step + "::download-" + word(d.kind());
      }
      if (c instanceof ArchiveException a) {
        return step + "::archive-" + word(a.kind());
      }
    }
    for (Throwable c = failure; c != null; c = c.getCause()) {
      if (c instanceof UserError) {
        return step + "::user-error";
      }
    }
    return step + "::internal";
  }

  private static String word(Enum<?> kind) {
    return kind.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** What the file holds: the last value of each key, and the steps in order. */
  private record Lines(Map<String, String> values, List<String> steps, List<Long> times) {}

  private Lines read() {
    Map<String, String> values = new LinkedHashMap<>();
    List<String> steps = new ArrayList<>();
    List<Long> times = new ArrayList<>();
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException | RuntimeException e) {
      lines = List.of();
    }
    for (String line : lines) {
      int eq = line.indexOf('=');
      if (eq <= 0) {
        continue;
      }
      String key = line.substring(0, eq);
      String value = line.substring(eq + 1);
      if (key.equals("step")) {
        int at = value.lastIndexOf('@');
        Long time = at > 0 ? millis(value.substring(at + 1)) : null;
        if (time != null && value.substring(0, at).matches("[a-z][a-z0-9_]*")) {
          steps.add(value.substring(0, at));
          times.add(time);
        }
      } else {
        values.put(key, value);
      }
    }
    return new Lines(values, steps, times);
  }

  /**
   * The report as a flat map for YAML: facts as written, each step's duration in seconds, the
   * outcome and, for a failed build, its category ({@code step::kind}, or {@code step::failed}
   * for a step that ended without saying why, such as the shim's JDK install). Empty when there
   * is no build data.
   */
  public Map<String, Object> report() {
    Lines data = read();
    Map<String, Object> report = new LinkedHashMap<>();
    if (data.values().isEmpty() && data.steps().isEmpty()) {
      return report;
    }
    Long finished = millis(data.values().get("finished"));
    String status = data.values().get("exit_status");
    String outcome = status == null ? "unfinished" : status.equals("0") ? "success" : "failure";
    report.put("build_outcome", outcome);
    if (!outcome.equals("success")) {
      String step = data.steps().isEmpty() ? "start" : data.steps().get(data.steps().size() - 1);
      report.put("failure_step", step);
      report.put("failure_category",
          data.values().getOrDefault("failure_category", step + "::failed"));
    }
    for (int i = 0; i < data.steps().size(); i++) {
      Long end = i + 1 < data.steps().size() ? data.times().get(i + 1) : finished;
      if (end != null) {
        report.put(data.steps().get(i) + "_duration", seconds(end - data.times().get(i)));
      }
    }
    Long started = millis(data.values().get("started"));
    if (started != null && finished != null) {
      report.put("total_duration", seconds(finished - started));
    }
    data.values().forEach((key, value) -> {
      if (!PLUMBING.contains(key)) {
        report.put(key, number(value).map(n -> (Object) n).orElse(value));
      }
    });
    return report;
  }

  private static Long millis(String text) {
    try {
      return text == null ? null : Long.valueOf(text.strip());
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** A count or size as a number; anything else (a version, a checksum) stays text. */
  private static Optional<Long> number(String value) {
    return value.matches("(0|[1-9][0-9]{0,17})") ? Optional.of(Long.valueOf(value))
        : Optional.empty();
  }

  private static Double seconds(long millis) {
    return Math.max(0, millis) / 1000.0;
  }
}
