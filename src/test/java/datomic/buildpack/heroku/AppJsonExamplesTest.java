package datomic.buildpack.heroku;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import datomic.buildpack.config.ConfigRegistry;
import datomic.buildpack.testsupport.Repo;
import java.io.IOException;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The app.json examples set up what the README says, with config vars the buildpack knows. */
class AppJsonExamplesTest {
  private static JsonNode example(String name) throws IOException {
    return new ObjectMapper().readTree(
        Repo.root().resolve("examples").resolve(name).resolve("app.json").toFile());
  }

  @ParameterizedTest
  @CsvSource({"solo, 1", "production, 2"})
  void exampleRunsTransactorsOnPostgresWithKnownConfigVars(String name, int transactors)
      throws IOException {
    JsonNode app = example(name);
    assertEquals(transactors, app.path("formation").path("transactor").path("quantity").asInt());
    assertTrue(app.path("addons").path(0).path("plan").asText().startsWith("heroku-postgresql"));
    assertEquals("DATABASE", app.path("addons").path(0).path("as").asText());
    ConfigRegistry registry = ConfigRegistry.load();
    for (String section : List.of("/env", "/environments/test/env")) {
      for (Iterator<String> vars = app.at(section).fieldNames(); vars.hasNext(); ) {
        String var = vars.next();
        assertTrue(registry.find(var).isPresent(), var + " is not a config var the buildpack reads");
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"solo", "production"})
  void exampleNamesItsStackAndAHerokuCiDatabase(String name) throws IOException {
    JsonNode app = example(name);
    assertTrue(List.of("heroku-22", "heroku-24").contains(app.path("stack").asText()),
        "a stack the buildpack supports: " + app.path("stack"));
    // Heroku CI's in-dyno database, which bin/test prepares (without TLS: see PostgresUrl).
    assertEquals("heroku-postgresql:in-dyno",
        app.at("/environments/test/addons/0").asText(), app.path("environments").toString());
  }

  @Test
  void productionUsesAPostgresPlanInsideThePrivateSpace() throws IOException {
    JsonNode app = example("production");
    String plan = app.path("addons").path(0).path("plan").asText();
    assertTrue(plan.startsWith("heroku-postgresql:private-"),
        "Essential, Standard and Premium plans stay outside a Private Space's network: " + plan);
    String description = app.path("description").asText();
    for (String outside : List.of("Essential", "Standard", "Premium", "us and eu")) {
      assertTrue(description.contains(outside), "the note names " + outside + ": " + description);
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
