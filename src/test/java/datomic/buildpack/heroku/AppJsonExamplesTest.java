package datomic.buildpack.heroku;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import datomic.buildpack.config.ConfigRegistry;
import datomic.buildpack.testsupport.Repo;
import java.io.IOException;
import java.util.Iterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The app.json examples set up what the README says, with config vars the buildpack knows. */
class AppJsonExamplesTest {
  @ParameterizedTest
  @CsvSource({"solo, 1", "production, 2"})
  void exampleRunsTransactorsOnPostgresWithKnownConfigVars(String name, int transactors)
      throws IOException {
    JsonNode app = new ObjectMapper().readTree(
        Repo.root().resolve("examples").resolve(name).resolve("app.json").toFile());
    assertEquals(transactors, app.path("formation").path("transactor").path("quantity").asInt());
    assertTrue(app.path("addons").path(0).path("plan").asText().startsWith("heroku-postgresql"));
    assertEquals("DATABASE", app.path("addons").path(0).path("as").asText());
    ConfigRegistry registry = ConfigRegistry.load();
    for (Iterator<String> vars = app.path("env").fieldNames(); vars.hasNext(); ) {
      String var = vars.next();
      assertTrue(registry.find(var).isPresent(), var + " is not a config var the buildpack reads");
    }
  }

  @Test
  void queryGroupExampleRunsAPeerServerOnTheTransactorAppsPostgres() throws IOException {
    JsonNode app = new ObjectMapper().readTree(
        Repo.root().resolve("examples/query-group/app.json").toFile());
    assertEquals(1, app.path("formation").path("peer-server").path("quantity").asInt());
    assertTrue(app.path("formation").path("transactor").isMissingNode(),
        "the transactor runs in its own app");
    assertEquals(0, app.path("addons").size(),
        "no Postgres of its own: it attaches the transactor app's database");
    assertTrue(app.path("description").asText().contains("heroku addons:attach"));
    ConfigRegistry registry = ConfigRegistry.load();
    for (Iterator<String> vars = app.path("env").fieldNames(); vars.hasNext(); ) {
      String var = vars.next();
      assertTrue(registry.find(var).isPresent(), var + " is not a config var the buildpack reads");
    }
    for (String required : new String[] {"DATOMIC_PEER_SERVER_DATABASES",
        "DATOMIC_PEER_SERVER_ACCESS_KEY", "DATOMIC_PEER_SERVER_SECRET"}) {
      assertTrue(app.path("env").has(required), required);
    }
    assertEquals("secret", app.path("env").path("DATOMIC_PEER_SERVER_SECRET").path("generator")
        .asText(), "a random secret, never a value in the repo");
  }
}
