package datomic.buildpack.config;

import datomic.buildpack.output.Echo;
import datomic.buildpack.output.UserError;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The config vars the buildpack sees: at build time the files of {@code ENV_DIR}, at dyno boot
 * the process environment. Values are never printed from here. A var whose value is not UTF-8
 * text is kept out of the values and named when it is read ({@link #get}) or checked.
 */
public final class Environment {
  /** Never imported from ENV_DIR (Heroku's guidance: they would break the build itself). */
  private static final Set<String> NEVER_IMPORTED =
      Set.of("PATH", "GIT_DIR", "CPATH", "CPPATH", "LD_PRELOAD", "LIBRARY_PATH", "JAVA_OPTS",
          "JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS");
  /** What is wrong with a var in {@link #undecodable()}. */
  public static final String NOT_UTF8 = "its value is not valid UTF-8 text";
  /** The launcher script keeps these for the transactor under another name; errors say which. */
  private static final String SAVED_PREFIX = "DATOMIC_BUILDPACK_SAVED_";

  private final Map<String, String> vars;
  private final Set<String> undecodable;
  private final boolean build;

  private Environment(Map<String, String> vars, Set<String> undecodable, boolean build) {
    this.vars = Collections.unmodifiableMap(new TreeMap<>(vars));
    this.undecodable = Collections.unmodifiableSet(new TreeSet<>(undecodable));
    this.build = build;
  }

  public static Environment of(Map<String, String> vars) {
    return new Environment(vars, Set.of(), false);
  }

  /**
   * The process environment. The JVM decodes it in the locale's encoding and turns bytes it
   * cannot decode into U+FFFD, silently: a value holding one is not used but named.
   */
  public static Environment system() {
    return fromProcess(System.getenv());
  }

  static Environment fromProcess(Map<String, String> env) {
    Map<String, String> vars = new TreeMap<>();
    Set<String> undecodable = new TreeSet<>();
    env.forEach((name, value) -> {
      if (value.indexOf('\ufffd') >= 0) {
        undecodable.add(name);
      } else {
        vars.put(name, value);
      }
    });
    return new Environment(vars, undecodable, false);
  }

  /**
   * Reads {@code ENV_DIR}: one file per var, named for the var, holding its value. A missing
   * ENV_DIR is an error, not an empty one: every config var (a pinned checksum among them) would
   * silently be ignored.
   */
  public static Environment fromEnvDir(Path envDir) {
    if (envDir == null) {
      throw new UserError("No ENV_DIR was given.",
          "Usage: bin/compile BUILD_DIR CACHE_DIR ENV_DIR (ENV_DIR holds one file per config var;",
          "an empty folder when there are none).");
    }
    if (!Files.isDirectory(envDir)) {
      throw new UserError("ENV_DIR " + Echo.value(envDir.toString())
              + (Files.exists(envDir, LinkOption.NOFOLLOW_LINKS) ? " is not a folder."
                  : " does not exist."),
          "It holds the app's config vars, one file per var; without it every config var",
          "(DATOMIC_SHA256, DATOMIC_VERSION, ...) would be silently ignored.",
          "Usage: bin/compile BUILD_DIR CACHE_DIR ENV_DIR (an empty folder when there are none).");
    }
    Map<String, String> vars = new TreeMap<>();
    Set<String> undecodable = new TreeSet<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(envDir)) {
      for (Path file : files) {
        String name = file.getFileName().toString();
        if (NEVER_IMPORTED.contains(name) || !Files.isRegularFile(file)) {
          continue;
        }
        try {
          vars.put(name, StandardCharsets.UTF_8.newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(Files.readAllBytes(file))).toString().strip());
        } catch (CharacterCodingException e) {
          undecodable.add(name);
        }
      }
    } catch (IOException e) {
      throw new UserError("Could not read the config vars in " + Echo.value(envDir.toString()),
          "Reading ENV_DIR failed: " + Echo.value(e.getMessage())).withCause(e);
    }
    return new Environment(vars, undecodable, true);
  }

  /** Whether these are a build's config vars (ENV_DIR), not a process's environment. */
  public boolean isBuild() {
    return build;
  }

  /** The value of {@code name}; a value that is not UTF-8 text is an error naming the var. */
  public Optional<String> get(String name) {
    if (undecodable.contains(name)) {
      throw notUtf8(name, Advice.of(this));
    }
    String value = vars.get(name);
    return value == null || value.isEmpty() ? Optional.empty() : Optional.of(value);
  }

  /** The error for a var whose value is not UTF-8 text. */
  public static UserError notUtf8(String name, Advice advice) {
    String shown = Echo.value(name.startsWith(SAVED_PREFIX)
        ? name.substring(SAVED_PREFIX.length()) : name);
    String encoding = System.getProperty("sun.jnu.encoding", "UTF-8");
    boolean utf8Locale = encoding.equalsIgnoreCase("UTF-8") || encoding.equalsIgnoreCase("UTF8");
    return new UserError("Config var " + shown + ": " + NOT_UTF8 + ".",
        "Set it again as UTF-8 text: " + advice.configSet(shown + "=..."),
        utf8Locale ? "(Config vars are text; binary data must be encoded, e.g. in base64.)"
            : "This process reads the environment as " + encoding + ", not UTF-8: run it with a"
                + " UTF-8 locale (LC_ALL=C.UTF-8).");
  }

  /** Names of the vars whose values are not UTF-8 text (not in {@link #asMap()}). */
  public Set<String> undecodable() {
    return undecodable;
  }

  /** The vars whose values are text. */
  public Map<String, String> asMap() {
    return vars;
  }

  /** A copy with extra or replaced values. */
  public Environment with(String name, String value) {
    Map<String, String> copy = new TreeMap<>(vars);
    copy.put(name, value);
    Set<String> still = new TreeSet<>(undecodable);
    still.remove(name);
    return new Environment(copy, still, build);
  }
}
