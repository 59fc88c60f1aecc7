package datomic.buildpack.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import datomic.buildpack.local.PostgresServer.Database;
import datomic.buildpack.local.PostgresServer;
import datomic.buildpack.storage.KvsBootstrap.Outcome;
import datomic.buildpack.storage.KvsBootstrap.Result;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A database that comes back while the bootstrap waits: uses a private server it can stop. */
class KvsBootstrapRestartTest {
  @Test
  void retriesUntilTheDatabaseIsBackThenSucceeds() {
    try (PostgresServer pg = PostgresServer.start()) {
      Database db = pg.newDatabase();
      PostgresUrl url = PostgresUrl.parse(db.url());
      if (!pg.ssl()) {
        url = url.withSslMode("disable");
      }
      pg.stop();
      assertFalse(pg.running());
      List<Duration> waits = new ArrayList<>();

      Result result = new KvsBootstrap(url).attempts(5).backoffBase(Duration.ofMillis(50))
          .sleeper(d -> {
            waits.add(d);
            if (waits.size() == 2) {
              pg.restart(); // back before the third attempt
            }
          }).ensureTable();

      assertEquals(Outcome.CREATED, result.outcome());
      assertEquals(3, result.attempts());
      assertEquals(List.of(Duration.ofMillis(50), Duration.ofMillis(100)), waits);
      assertTrue(result.describe().endsWith("(after 3 connection attempts)"), result.describe());
      assertEquals(4, db.query("SELECT 1 FROM information_schema.columns"
          + " WHERE table_name = 'datomic_kvs'").size());
    }
  }
}
