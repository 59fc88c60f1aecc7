package datomic.buildpack.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import datomic.buildpack.output.UserError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dry run's config vars read as heroku local reads .env, and as -e NAME=VALUE. */
class DotEnvTest {
  @TempDir Path tmp;

  @Test
  void readsDotEnvAsHerokuLocalDoes() throws IOException {
    Path file = Files.writeString(tmp.resolve(".env"), String.join("\n",
        "# a comment", "", "DATABASE_URL=postgres://u:p@127.0.0.1:5432/db",
        "export DATOMIC_XMX=1g", "  SPACED = kept as is ", "SINGLE='a $b \\n c'",
        "DOUBLE=\"line\\nnext \\\"q\\\"\"", "EMPTY=", ""));
    Map<String, String> vars = DotEnv.read(file);
    assertEquals(Map.of("DATABASE_URL", "postgres://u:p@127.0.0.1:5432/db", "DATOMIC_XMX", "1g",
        "SPACED", "kept as is", "SINGLE", "a $b \\n c", "DOUBLE", "line\nnext \"q\"",
        "EMPTY", ""), vars);
    assertEquals("DATABASE_URL", vars.keySet().iterator().next(), "in the file's order");
  }

  @Test
  void aLineThatIsNoAssignmentIsNamed() throws IOException {
    Path file = Files.writeString(tmp.resolve(".env"), "A=1\nnot an assignment\n");
    UserError e = assertThrows(UserError.class, () -> DotEnv.read(file));
    assertTrue(e.getMessage().startsWith("Line 2 of "), e.getMessage());
    assertEquals(Map.entry("A", "b=c"), DotEnv.assignment("A=b=c"));
    assertEquals(Map.entry("A", ""), DotEnv.assignment("A="));
    assertThrows(UserError.class, () -> DotEnv.assignment("1A=x"));
  }
}
