package datomic.buildpack.heroku;

import datomic.buildpack.slug.AppFiles;
import datomic.buildpack.slug.ProcessType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** An app's Procfile: process type names and their commands. */
public record Procfile(Map<String, String> processes) {
  /** Heroku's Procfile line: {@code <type>: <command>}. */
  private static final Pattern LINE = Pattern.compile("^([A-Za-z0-9_-]+):\\s*(.*\\S)\\s*$");

  public static final String TRANSACTOR = ProcessType.TRANSACTOR.type();
  public static final String RELEASE = ProcessType.RELEASE.type();
  public static final String PEER_SERVER = ProcessType.PEER_SERVER.type();
  public static final String CONSOLE = ProcessType.CONSOLE.type();

  public static final String LAUNCH_COMMAND = ProcessType.TRANSACTOR.command();
  public static final String RELEASE_COMMAND = ProcessType.RELEASE.command();
  public static final String PEER_SERVER_COMMAND = ProcessType.PEER_SERVER.command();
  public static final String CONSOLE_COMMAND = ProcessType.CONSOLE.command();

  public static Procfile parse(String text) {
    Map<String, String> processes = new LinkedHashMap<>();
    for (String line : text.split("\\R")) {
      Matcher m = LINE.matcher(line);
      if (m.matches()) {
        processes.put(m.group(1), m.group(2));
      }
    }
    return new Procfile(processes);
  }

  /**
   * The Procfile in {@code appDir}, or an empty one when there is none. A link leading outside
   * the app or to nothing is refused ({@link AppFiles#readable}). Bytes that are not UTF-8 are
   * read as U+FFFD: only process names matter here, and they are ASCII.
   */
  public static Procfile read(Path appDir) {
    Optional<Path> file = new AppFiles(appDir).readable(appDir.resolve("Procfile"));
    if (file.isEmpty()) {
      return new Procfile(Map.of());
    }
    try {
      return parse(new String(Files.readAllBytes(file.get()), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The Procfile this buildpack writes for an app that has none: every process, in order. */
  public static Procfile standard() {
    Map<String, String> processes = new LinkedHashMap<>();
    for (ProcessType p : ProcessType.values()) {
      processes.put(p.type(), p.command());
    }
    return new Procfile(processes);
  }

  public boolean has(String type) {
    return processes.containsKey(type);
  }

  public String render() {
    StringBuilder out = new StringBuilder();
    processes.forEach((type, command) -> out.append(type).append(": ").append(command).append('\n'));
    return out.toString();
  }
}
