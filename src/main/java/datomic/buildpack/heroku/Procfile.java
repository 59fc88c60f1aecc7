package datomic.buildpack.heroku;

import datomic.buildpack.slug.AppFiles;
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

  public static final String TRANSACTOR = "transactor";
  public static final String RELEASE = "release";
  public static final String PEER_SERVER = "peer-server";
  /** Datomic's Console: never a {@code web} process (it has no login). */
  public static final String CONSOLE = "console";

  /** The commands this buildpack runs, relative to the app root so they work without .profile.d. */
  public static final String LAUNCH_COMMAND = ".datomic/bin/datomic-buildpack launch";
  public static final String RELEASE_COMMAND = ".datomic/bin/datomic-buildpack release-phase";
  public static final String PEER_SERVER_COMMAND = ".datomic/bin/datomic-buildpack peer-server";
  public static final String CONSOLE_COMMAND = ".datomic/bin/datomic-buildpack console";

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

  /** The Procfile this buildpack writes for an app that has none. */
  public static Procfile standard() {
    Map<String, String> processes = new LinkedHashMap<>();
    processes.put(TRANSACTOR, LAUNCH_COMMAND);
    processes.put(RELEASE, RELEASE_COMMAND);
    // Heroku scales a new process type to 0: it costs nothing until heroku ps:scale peer-server=1.
    processes.put(PEER_SERVER, PEER_SERVER_COMMAND);
    // A new process type starts at 0 dynos: no Console runs until heroku ps:scale console=1.
    processes.put(CONSOLE, CONSOLE_COMMAND);
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
