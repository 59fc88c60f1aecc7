package datomic.buildpack.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every test class is in one tier: Surefire runs {@code *Test} (the unit tier), Failsafe
 * {@code *IT} (the integration tier, after {@code package}); a class named otherwise would run
 * in neither, silently.
 */
class TestTiersTest {
  static final Pattern TEST = Pattern.compile(
      "^\\s*@(Test|ParameterizedTest|RepeatedTest|TestFactory|TestTemplate)\\b", Pattern.MULTILINE);

  @Test
  void everyClassWithTestsIsNamedForItsTier() throws IOException {
    try (Stream<Path> files = Files.walk(Repo.root().resolve("src/test/java"))) {
      List<String> untiered = files.filter(f -> f.toString().endsWith(".java"))
          .filter(f -> !f.getFileName().toString().matches(".*(Test|IT)\\.java"))
          .filter(f -> {
            try {
              return TEST.matcher(Files.readString(f)).find();
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          })
          .map(f -> Repo.root().relativize(f).toString()).sorted().toList();
      assertEquals(List.of(), untiered, "test classes that neither Surefire (*Test) nor Failsafe"
          + " (*IT) runs: rename them");
    }
  }
}
