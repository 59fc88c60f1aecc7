package datomic.buildpack.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commands messages suggest, right for where the process runs: Heroku's CLI on a dyno, in a
 * build and on Heroku CI; a line of .env under heroku local (no DYNO); the dry run's option
 * beside Heroku's; dyno types from the family the app can use.
 */
class AdviceTest {
  @TempDir Path tmp;

  static Advice of(String... pairs) {
    Map<String, String> env = new java.util.HashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      env.put(pairs[i], pairs[i + 1]);
    }
    return Advice.of(Environment.of(env));
  }

  @Test
  void whereItRunsDecidesTheCommand() throws Exception {
    Advice dyno = of("DYNO", "transactor.1");
    assertEquals(Advice.Place.HEROKU, dyno.place());
    assertEquals("heroku config:set DATOMIC_XMX=768m", dyno.configSet("DATOMIC_XMX", "768m"));
    assertEquals("heroku config:unset A B", dyno.configUnset("A", "B"));
    assertEquals("heroku ps:scale transactor=1", dyno.psScale("transactor=1"));
    assertEquals(Advice.Place.HEROKU, of("CI", "true").place(), "Heroku CI");

    Advice local = of("PORT", "5000"); // heroku local sets PORT for every process, and no DYNO
    assertEquals(Advice.Place.LOCAL, local.place());
    assertEquals("DATOMIC_XMX=768m in .env", local.configSet("DATOMIC_XMX", "768m"));
    assertEquals("A=1 and B=2 in .env", local.configSetAll("A=1", "B=2"));
    assertEquals("remove A and B from .env", local.configUnset("A", "B"));
    assertEquals("run 1 transactor process", local.psScale("transactor=1"));
    assertEquals("stop the console process", local.psScale("console=0"));
    assertEquals("S=<the output of openssl rand -hex 32> in .env",
        local.configSetOutputOf("S", "openssl rand -hex 32"), ".env is not run by a shell");
    assertEquals("heroku config:set S=$(openssl rand -hex 32)",
        dyno.configSetOutputOf("S", "openssl rand -hex 32"));
    assertTrue(local.addPostgres().startsWith("DATABASE_URL=postgres://"), local.addPostgres());
    assertEquals(Optional.empty(), local.dynoFor("transactor", 2048), "no dyno types locally");

    // A build's config vars (ENV_DIR) are Heroku's, DYNO or not.
    Path envDir = Files.createDirectories(tmp.resolve("env"));
    Advice build = Advice.of(Environment.fromEnvDir(envDir));
    assertEquals("heroku config:set X=1", build.configSet("X=1"));

    Advice dryRun = of("DYNO", "transactor.1", Advice.DRY_RUN_MARKER, Advice.STAND_IN);
    assertEquals(Advice.Place.DRY_RUN, dryRun.place());
    assertTrue(dryRun.standIn());
    assertEquals("heroku config:set DATOMIC_XMX=768m [in the dry run: -e DATOMIC_XMX=768m]",
        dryRun.configSet("DATOMIC_XMX", "768m"));
    assertEquals("heroku config:unset A [in the dry run: -e A=]", dryRun.configUnset("A"));
  }

  @Test
  void aDynoTypeComesFromTheFamilyTheAppCanUse() {
    Advice common = of("DYNO", "peer-server.1");
    Advice privateSpace = of("DYNO", "peer-server.1", "HEROKU_PRIVATE_IP", "10.0.0.7");
    assertEquals(DynoTypes.Family.COMMON_RUNTIME, common.family());
    assertEquals(DynoTypes.Family.PRIVATE, privateSpace.family());
    assertEquals(Optional.of("heroku ps:type peer-server=performance-m (2.5 GB)"),
        common.dynoFor("peer-server", 2304));
    assertEquals(Optional.of("heroku ps:type peer-server=private-m (2.5 GB; shield-m in a"
        + " Shield space)"), privateSpace.dynoFor("peer-server", 2304));
    assertEquals(Optional.of("heroku ps:type transactor=private-s (1 GB; shield-s in a Shield"
        + " space)"), privateSpace.dynoFor("transactor", 1024));
    assertEquals(Optional.of("heroku ps:type transactor=standard-2x (1 GB)"),
        common.dynoFor("transactor", 1024));
    assertEquals(Optional.of("heroku run --size=private-l-ram ... (30 GB; shield-l-ram in a"
        + " Shield space)"), privateSpace.dynoFor(null, 20_000));
    assertEquals(Optional.empty(), privateSpace.dynoFor("transactor", 200_000),
        "no dyno has that much");
  }

  @Test
  void dynoSizesAreDataOfOneDatedTable() {
    assertTrue(DynoTypes.asOf().matches("\\d{4}-\\d{2}"), DynoTypes.asOf());
    assertEquals(List.of("private-s", "private-m", "private-l", "private-l-ram", "private-xl",
        "private-2xl"), DynoTypes.of(DynoTypes.Family.PRIVATE).stream()
            .map(DynoTypes.Type::name).toList());
    assertEquals(List.of(1024L, 2560L, 14336L, 30720L, 63488L, 129024L),
        DynoTypes.of(DynoTypes.Family.SHIELD).stream().map(DynoTypes.Type::megabytes).toList(),
        "shield-* have private-*'s memory");
    assertEquals("standard-1x", DynoTypes.smallest(DynoTypes.Family.COMMON_RUNTIME).name());
    assertEquals("performance-2xl (126 GB)",
        DynoTypes.largest(DynoTypes.Family.COMMON_RUNTIME).described());
  }
}
