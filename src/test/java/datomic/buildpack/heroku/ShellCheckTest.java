package datomic.buildpack.heroku;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import datomic.buildpack.testsupport.Repo;
import datomic.buildpack.testsupport.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every shell script in the repository (the buildpack's, the tests', the tools'; found by shfmt
 * by name and shebang, not listed by hand) is ShellCheck-clean with all optional checks on
 * (.shellcheckrc) and formatted as shfmt has it (.editorconfig). mvnw is vendored, left out.
 */
class ShellCheckTest {
  private static boolean installed(String tool) {
    boolean available = Run.of("bash", "-c", "command -v " + tool).go().exitCode() == 0;
    // CI installs both (.ci/run); only a developer's machine may lack them.
    assumeTrue(available || System.getenv("CI") != null, tool + " is not installed");
    return available;
  }

  /** The repository's shell scripts: files git has or would add, that shfmt calls shell. */
  static List<String> shellScripts() {
    Run.Result files = Run.of("bash", "-c", "git ls-files -z --cached --others --exclude-standard"
        + " | xargs -0 shfmt -f").go();
    assertEquals(0, files.exitCode(), files.toString());
    List<String> scripts = new ArrayList<>(files.stdout().lines()
        .filter(f -> !f.equals("mvnw") && Files.exists(Repo.root().resolve(f))).sorted().toList());
    for (String expected : List.of("bin/compile", "bin/detect", "bin/release", "lib/output.sh",
        "lib/utils.sh", "lib/checks.sh", "lib/java.sh", "lib/jdk.sh", "lib/cli_jar.sh",
        "lib/build_data.sh", "lib/detect.sh", "lib/release.sh",
        "lib/platform.sh", "scripts/release", ".ci/run", "dry-run", "bench/run",
        "bin/test", "bin/test-compile", "bin/report",
        "src/main/resources/datomic/buildpack/slug/datomic-buildpack",
        "test-fixtures/datomic-dist/bin/run", "test-fixtures/jvm-common/bin/java",
        "test-fixtures/datomic-dist/bin/console", "test-fixtures/datomic-dist/bin/datomic",
        "bench/metrics/run")) {
      assertTrue(scripts.contains(expected), expected + " is found: " + scripts);
    }
    return scripts;
  }

  @Test
  void shellScriptsAreClean() throws IOException {
    installed("shellcheck");
    installed("shfmt"); // it finds the scripts
    assertTrue(Files.readString(Repo.root().resolve(".shellcheckrc")).contains("\nenable=all\n"),
        "all optional checks on");
    List<String> command = new ArrayList<>(List.of("shellcheck"));
    command.addAll(shellScripts());
    Run.Result r = Run.of(command).in(Repo.root()).go();
    assertEquals(0, r.exitCode(), r.toString());
  }

  @Test
  void shellScriptsAreFormatted() {
    installed("shfmt");
    List<String> command = new ArrayList<>(List.of("shfmt", "-d"));
    command.addAll(shellScripts());
    Run.Result r = Run.of(command).in(Repo.root()).go();
    assertEquals(0, r.exitCode(), "shfmt -w <file> fixes these:\n" + r);
  }
}
