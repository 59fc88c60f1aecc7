package datomic.buildpack.heroku;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import datomic.buildpack.testsupport.Repo;
import datomic.buildpack.testsupport.Run;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every shell script the buildpack ships or runs is ShellCheck-clean. */
class ShellCheckTest {
  @Test
  void shellScriptsAreClean() {
    boolean available = Run.of("bash", "-c", "command -v shellcheck").go().exitCode() == 0;
    // CI installs ShellCheck (.ci/run); only a developer's machine may lack it.
    assumeTrue(available || System.getenv("CI") != null, "shellcheck is not installed");
    List<String> command = new ArrayList<>(List.of("shellcheck", "-x", "bin/detect",
        "bin/compile", "bin/release", "bin/report", "lib/buildpack.sh", "dry-run", ".ci/run",
        "src/main/resources/datomic/buildpack/slug/datomic-buildpack",
        "src/main/resources/datomic/buildpack/slug/profile.sh",
        "test-fixtures/datomic-dist/bin/transactor", "test-fixtures/jvm-common/bin/java",
        "test-fixtures/datomic-dist/bin/console", "test-fixtures/datomic-dist/bin/datomic",
        "bench/metrics/run"));
    Run.Result r = Run.of(command).in(Repo.root()).go();
    assertEquals(0, r.exitCode(), r.toString());
  }
}
