package datomic.buildpack.heroku;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import datomic.buildpack.testsupport.Repo;
import datomic.buildpack.testsupport.Run;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A bin/ script run by hand with the wrong number of arguments prints its usage line as an error
 * and exits 2, instead of bash's {@code line 8: 1: Usage: ...}; bin/report too (it never fails a
 * build, but without arguments it is not run by one).
 */
class ShimUsageIT {
  @TempDir Path tmp;

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "detect       | BUILD_DIR                    | 1 argument       | 0 | 2",
      "release      | BUILD_DIR                    | 1 argument       | 0 | 2",
      "report       | BUILD_DIR CACHE_DIR ENV_DIR  | 1 to 3 arguments | 0 | 4",
      "test         | BUILD_DIR ENV_DIR            | 1 to 2 arguments | 0 | 3",
      "compile      | BUILD_DIR CACHE_DIR ENV_DIR  | 3 arguments      | 0 | 4",
      "test-compile | BUILD_DIR CACHE_DIR ENV_DIR  | 3 arguments      | 2 | 4"})
  void theWrongNumberOfArgumentsGivesTheUsageLine(String shim, String names, String wanted,
      int few, int many) {
    for (int count : new int[] {few, many}) {
      List<String> command = new ArrayList<>(List.of(Repo.bin(shim)));
      for (int i = 0; i < count; i++) {
        command.add(tmp.toString());
      }
      Run.Result r = Run.of(command).go();
      String what = shim + " with " + count + ": " + r;
      assertEquals(2, r.exitCode(), what);
      assertEquals("", r.stdout(), what);
      assertTrue(r.stderr().startsWith("\n !     Error: bin/" + shim + " needs " + wanted + ", "
          + names + "; it got " + count + ".\n !     Usage: bin/" + shim + " " + names + "\n"),
          what);
      assertFalse(r.stderr().contains("line "), what);
    }
  }
}
