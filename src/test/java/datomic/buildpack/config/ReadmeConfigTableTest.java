package datomic.buildpack.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import datomic.buildpack.testsupport.Repo;
import java.io.IOException;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/** The README's config var table is the registry's, row for row. */
class ReadmeConfigTableTest {
  static final String START = "<!-- config-vars:start (generated: java -jar target/datomic-buildpack.jar config-vars) -->\n";
  static final String END = "<!-- config-vars:end -->";

  @Test
  void readmeTableMatchesTheRegistry() throws IOException {
    String readme = Files.readString(Repo.root().resolve("README.md"));
    int start = readme.indexOf(START);
    int end = readme.indexOf(END);
    assertTrue(start >= 0 && end > start, "README has the config-vars markers");
    assertEquals(ConfigRegistry.load().markdownTable(),
        readme.substring(start + START.length(), end),
        "regenerate the table with: java -jar target/datomic-buildpack.jar config-vars");
  }
}
