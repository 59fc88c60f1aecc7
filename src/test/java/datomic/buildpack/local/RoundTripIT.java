package datomic.buildpack.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import datomic.buildpack.testsupport.Run;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dry run's round trip, run by clojure.main on a classpath with the real Datomic peer library
 * (com.datomic:peer, as a distribution's bin/run has it): against an in-memory database it
 * creates, transacts, queries back and prints the basis t; against storage with no transactor it
 * fails in Datomic's own words within its wait.
 */
class RoundTripIT {
  @TempDir Path tmp;

  Run.Result script(String uri, String waitSeconds) throws IOException {
    Path file = RoundTrip.write(tmp);
    return Run.of(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            "-cp", System.getProperty("java.class.path"), "clojure.main", file.toString()))
        .env(RoundTrip.URI_VAR, uri).env(RoundTrip.WAIT_VAR, waitSeconds).timeout(180).go();
  }

  @Test
  void createsTransactsAndReadsBackThroughTheRealPeerLibrary() throws IOException {
    Run.Result r = script("datomic:mem://dry-run-round-trip", "5");
    assertEquals(0, r.exitCode(), r.toString());
    RoundTrip.Result result = RoundTrip.parse(r.stdout());
    assertTrue(result.ok(), r.toString());
    assertTrue(result.created(), "a new database: " + r);
    assertTrue(result.basisT().orElseThrow() > 0, r.toString());
  }

  @Test
  void storageWithoutATransactorFailsInDatomicsWordsWithinItsWait() throws IOException {
    PostgresServer pg = PostgresServer.shared();
    PostgresServer.Database db = pg.newDatabase();
    db.execute("CREATE TABLE datomic_kvs (id text NOT NULL, rev integer, map text, val bytea,"
        + " CONSTRAINT pk_id PRIMARY KEY (id))");
    db.execute("GRANT ALL ON datomic_kvs TO " + PostgresServer.ident(db.user()));
    String uri = "datomic:sql://dry-run-db?jdbc:postgresql://127.0.0.1:" + pg.port() + "/"
        + db.name() + "?user=" + db.user() + "&password=" + db.password()
        + (pg.ssl() ? "&sslmode=require" : "");
    long start = System.nanoTime();
    Run.Result r = script(uri, "2");
    long seconds = (System.nanoTime() - start) / 1_000_000_000L;
    assertEquals(2, r.exitCode(), r.toString());
    RoundTrip.Result result = RoundTrip.parse(r.stdout());
    assertFalse(result.ok());
    assertTrue(result.line().startsWith(":db.error/read-transactor-location-failed"),
        result.line());
    assertTrue(seconds < 120, "gave up: " + seconds + " s");
    assertFalse(r.all().contains(db.password()), "the URI came through the environment: " + r);
  }

  @Test
  void anOutputWithoutItsLineIsAFailure() {
    assertEquals(new RoundTrip.Result(false, Optional.empty(), false,
        "it printed no ROUND-TRIP line"), RoundTrip.parse("Usage: bin/run ...\n"));
    assertEquals(Optional.of(7L), RoundTrip.parse("x\nROUND-TRIP ok basis-t=7 created=false\n")
        .basisT());
  }
}
