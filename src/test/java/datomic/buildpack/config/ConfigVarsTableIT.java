package datomic.buildpack.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import datomic.buildpack.testsupport.Repo;
import java.io.IOException;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/** The config var table in docs/configuration.md is the registry's, row for row. */
class ConfigVarsTableIT {
  static final String START = "<!-- config-vars:start (generated: java -jar target/datomic-buildpack.jar config-vars) -->\n";
  static final String END = "<!-- config-vars:end -->";

  @Test
  void docsTableMatchesTheRegistry() throws IOException {
    String doc = Files.readString(Repo.root().resolve("docs/configuration.md"));
    int start = doc.indexOf(START);
    int end = doc.indexOf(END);
    assertTrue(start >= 0 && end > start, "docs/configuration.md has the config-vars markers");
    assertEquals(ConfigRegistry.load().markdownTable(),
        doc.substring(start + START.length(), end),
        "regenerate the table with: java -jar target/datomic-buildpack.jar config-vars");
  }
}
