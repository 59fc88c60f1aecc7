package datomic.buildpack.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import datomic.buildpack.testsupport.Machine;
import datomic.buildpack.testsupport.Repo;
import datomic.buildpack.testsupport.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Help as a new user asks for it, from the packaged CLI run as a process: every command answers
 * {@code --help}, {@code -h} and {@code help COMMAND} with its usage, options and an example, and
 * a mistake prints a usage line that names options that exist and sends to a {@code --help}
 * that works.
 */
class CliHelpIT {
  private static final Pattern OPTION = Pattern.compile("(?<![\\w-])(--?[A-Za-z][\\w-]*)");

  @TempDir Path tmp;

  private static Run.Result cli(String... args) {
    List<String> command = new ArrayList<>(List.of(Machine.jdkHome().resolve("bin/java").toString(),
        "-jar", Repo.root().resolve("target/datomic-buildpack.jar").toString()));
    command.addAll(List.of(args));
    return Run.of(command).timeout(60).go();
  }

  /** The commands the top-level help lists (its "Commands:" section), help itself left out. */
  private static List<String> listedCommands(String help) {
    List<String> names = new ArrayList<>();
    boolean inCommands = false;
    for (String line : help.split("\n")) {
      if (line.equals("Commands:")) {
        inCommands = true;
      } else if (inCommands && line.isBlank()) {
        break;
      } else if (inCommands && line.matches("  \\S.*")) {
        names.add(line.strip().split("\\s+")[0]);
      }
    }
    names.remove("help");
    return names;
  }

  /** The options a help text lists in its option section (lines like {@code   -h, --help ...}). */
  private static Set<String> listedOptions(String help) {
    Set<String> options = new LinkedHashSet<>();
    for (String line : help.split("\n")) {
      if (line.matches(" {2,6}-.*")) {
        Matcher m = OPTION.matcher(line.strip().split("\\s{2,}")[0]);
        while (m.find()) {
          options.add(m.group(1));
        }
      }
    }
    return options;
  }

  /** The first line that is not blank (an error's message comes after a blank line). */
  private static String firstLine(String text) {
    return text.lines().filter(l -> !l.isBlank()).findFirst().orElse("");
  }

  private static void assertHelp(String command, String how, Run.Result r) {
    String what = command + " (" + how + "): " + r;
    assertEquals(0, r.exitCode(), what);
    assertEquals("", r.stderr(), what);
    assertTrue(r.stdout().startsWith("Usage: datomic-buildpack " + command + " "), what);
    assertTrue(r.stdout().contains("  -h, --help "), what);
    // One example at least: an indented line running the command, under "Example:".
    String example = r.stdout().substring(r.stdout().indexOf("\nExample:\n") + 1);
    assertTrue(r.stdout().contains("\nExample:\n"), what);
    assertTrue(example.lines().skip(1).anyMatch(l -> l.startsWith("  ") && l.contains(command)),
        what);
  }

  @Test
  void everyCommandAnswersHelpHAndHelpCommand() {
    Run.Result top = cli("--help");
    assertEquals(0, top.exitCode(), top.toString());
    assertTrue(top.stdout().startsWith("Usage: datomic-buildpack "), top.toString());
    assertTrue(top.stdout().contains("\nExample:\n  datomic-buildpack "), top.toString());
    List<String> commands = listedCommands(top.stdout());
    assertEquals(BuildpackCli.COMMANDS, commands, "the help lists every command");
    assertEquals(top.stdout(), cli("-h").stdout());
    assertEquals(top.stdout(), cli("help").stdout());
    for (String command : commands) {
      Run.Result help = cli(command, "--help");
      assertHelp(command, "--help", help);
      Run.Result h = cli(command, "-h");
      assertHelp(command, "-h", h);
      assertEquals(help.stdout(), h.stdout(), command);
      Run.Result helpCommand = cli("help", command);
      assertHelp(command, "help " + command, helpCommand);
      assertEquals(help.stdout(), helpCommand.stdout(), command);
    }
  }

  @Test
  void anUnknownOptionPrintsAUsageOfRealOptionsAndNoStackTrace() {
    for (String command : BuildpackCli.COMMANDS) {
      Run.Result r = cli(command, "--no-such-option");
      String what = command + ": " + r;
      assertEquals(2, r.exitCode(), what);
      assertEquals("", r.stdout(), what);
      assertEquals(" !     Error: Unknown option: '--no-such-option'", firstLine(r.stderr()), what);
      assertFalse(r.stderr().contains("Exception") || r.stderr().contains("\tat "), what);
      String usage = r.stderr().lines().filter(l -> l.startsWith(" !     Usage: ")).findFirst()
          .orElseThrow(() -> new AssertionError("no usage line: " + what));
      assertTrue(usage.startsWith(" !     Usage: datomic-buildpack " + command + " "), what);
      assertTrue(r.stderr().contains(
          " !     Run 'datomic-buildpack " + command + " --help' for more.\n"), what);
      // Every option the usage line names is one the command's help lists (and so accepts).
      Set<String> real = listedOptions(cli(command, "--help").stdout());
      Matcher m = OPTION.matcher(usage.substring(usage.indexOf(command) + command.length()));
      while (m.find()) {
        assertTrue(real.contains(m.group(1)), m.group(1) + " is no option of " + command
            + " " + real + "\n" + usage);
      }
    }
  }

  @Test
  void mistakesAtTheTopSayWhatWentWrongAndWhatToRun() {
    Run.Result typo = cli("peer-ur", "my-db");
    assertEquals(2, typo.exitCode(), typo.toString());
    assertEquals(" !     Error: Unknown command: 'peer-ur'", firstLine(typo.stderr()),
        typo.toString());
    assertTrue(typo.stderr().contains(" !     Did you mean: peer-uri"), typo.toString());
    assertTrue(typo.stderr().contains(" !     Run 'datomic-buildpack --help' for more.\n"),
        typo.toString());
    Run.Result none = cli();
    assertEquals(2, none.exitCode(), none.toString());
    assertEquals(" !     Error: Missing a command.", firstLine(none.stderr()), none.toString());
    // A required parameter left out for an unknown option: the unknown option is the news.
    Run.Result swapped = cli("peer-uri", "--db", "my-db");
    assertEquals(" !     Error: Unknown option: '--db'", firstLine(swapped.stderr()),
        swapped.toString());
    Run.Result version = cli("--version");
    assertEquals(0, version.exitCode(), version.toString());
    assertTrue(version.stdout().matches("datomic-buildpack v\\d+(\\+[0-9a-f]{12})?\n"),
        version.toString());
  }

  /** The bin/ shims Heroku calls, run by hand without their arguments: their usage line. */
  @Test
  void theShimsWithoutArgumentsPrintTheirUsage() {
    for (String shim : List.of("detect", "release", "report", "test", "compile")) {
      Run.Result r = Run.of(Repo.bin(shim)).timeout(60).go();
      String what = shim + ": " + r;
      assertTrue(r.exitCode() != 0, what);
      assertTrue(firstLine(r.stderr()).startsWith(" !     Error: "), what);
      assertTrue(r.stderr().contains("bin/" + shim + " BUILD_DIR"), what);
      assertFalse(r.stderr().contains(": line "), what); // bash's own ${1:?} message
    }
  }

  /**
   * The slug's launcher passes --app-dir and --exec-plan to the commands that start Datomic: with
   * --help there is no plan, and the script stops there (it used to go on and print the
   * top-level help too).
   */
  @Test
  void theSlugLauncherPrintsACommandsHelpOnce() throws IOException {
    Path app = tmp.resolve("app");
    Path bin = Files.createDirectories(app.resolve(".datomic/bin"));
    Path script = bin.resolve("datomic-buildpack");
    Files.copy(Repo.root().resolve("src/main/resources/datomic/buildpack/slug/datomic-buildpack"),
        script);
    script.toFile().setExecutable(true);
    Files.createSymbolicLink(app.resolve(".datomic/buildpack.jar"),
        Repo.root().resolve("target/datomic-buildpack.jar"));
    for (String command : List.of("launch", "peer-server", "create-database", "console",
        "peer-uri")) {
      Run.Result r = Run.of(script.toString(), command, "--help")
          .env("JAVA_HOME", Machine.jdkHome().toString()).in(app).timeout(60).go();
      assertEquals(0, r.exitCode(), command + ": " + r);
      assertTrue(r.stdout().startsWith("Usage: datomic-buildpack " + command + " "), r.toString());
      assertEquals(1, r.stdout().split("Usage: ", -1).length - 1, command + ": " + r);
    }
  }
}
