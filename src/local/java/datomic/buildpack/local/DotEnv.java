package datomic.buildpack.local;

import datomic.buildpack.output.Echo;
import datomic.buildpack.output.UserError;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Config vars for the dry run, as {@code heroku local} and foreman read them from {@code .env}
 * ({@code NAME=VALUE} a line, {@code #} comments, an optional {@code export}, values in single
 * quotes as they are, in double quotes with {@code \n} and {@code \"}) and from {@code -e
 * NAME=VALUE}. An empty value unsets the var (on Heroku, {@code heroku config:unset}).
 */
public final class DotEnv {
  private static final Pattern LINE =
      Pattern.compile("\\s*(?:export\\s+)?([A-Za-z_][A-Za-z0-9_]*)\\s*=(.*)");

  private DotEnv() {}

  /** The vars of {@code file}, in order. */
  public static Map<String, String> read(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UserError("Cannot read the env file " + Echo.value(file.toString()) + ".",
          Files.exists(file) ? "Reading it failed: " + Echo.value(String.valueOf(e.getMessage()))
              : "There is no such file.",
          "--env-file FILE reads a .env file (NAME=VALUE a line), as heroku local does.");
    }
    Map<String, String> vars = new LinkedHashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.isBlank() || line.strip().startsWith("#")) {
        continue;
      }
      Matcher m = LINE.matcher(line);
      if (!m.matches()) {
        throw new UserError("Line " + (i + 1) + " of " + Echo.value(file.toString())
                + " is not NAME=VALUE.",
            "A .env file holds one config var a line (NAME=VALUE; # starts a comment).");
      }
      vars.put(m.group(1), value(m.group(2).strip()));
    }
    return vars;
  }

  /** One {@code -e NAME=VALUE}. */
  public static Map.Entry<String, String> assignment(String text) {
    Matcher m = LINE.matcher(text);
    if (!m.matches()) {
      throw new UserError("-e " + Echo.value(text) + " is not NAME=VALUE.",
          "Give each config var as -e NAME=VALUE (-e NAME= unsets it), e.g. -e DATOMIC_XMX=512m.");
    }
    return Map.entry(m.group(1), m.group(2));
  }

  private static String value(String raw) {
    if (raw.length() >= 2 && raw.startsWith("'") && raw.endsWith("'")) {
      return raw.substring(1, raw.length() - 1);
    }
    if (raw.length() >= 2 && raw.startsWith("\"") && raw.endsWith("\"")) {
      return raw.substring(1, raw.length() - 1).replace("\\n", "\n").replace("\\\"", "\"");
    }
    return raw;
  }
}
