package datomic.buildpack.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import datomic.buildpack.testsupport.BuildFixture;
import datomic.buildpack.testsupport.Run;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Download-URL passwords that make the URL unparsable (a space, a {@code #}, a {@code %}, an
 * {@code @}, a line break) never reach the build log, through the real bin/compile: the build
 * fails with a message that shows the URL with its password masked and says how to write it.
 */
class HostileDownloadUrlIT {
  @TempDir Path tmp;

  /** Each password is two marked halves around the character that breaks the URL. */
  private static final List<String> PASSWORDS = List.of("Lq1 Rq1", "Lq2#Rq2", "Lq3%zzRq3",
      "Lq4@Rq4", "Lq5\nRq5", "Lq6/Rq6?x#y Rq6b");

  @Test
  void unparsablePasswordsInTheDownloadUrlAreMaskedInEveryMessage() {
    int i = 0;
    for (String password : PASSWORDS) {
      try (BuildFixture app = BuildFixture.of("minimal-transactor", tmp.resolve("app" + i++))
          .withDistribution()) {
        String url = app.downloadUrl().replace("http://", "http://me:" + password + "@");
        app.setVar("DATOMIC_DOWNLOAD_URL", url);
        Run.Result r = app.compile();
        String shown = password.replace("\n", "\\n");
        assertEquals(1, r.exitCode(), shown + ": " + r);
        assertTrue(r.stderr().contains(" !     Error: "), shown + ": " + r);
        assertTrue(r.stderr().contains("http://me:" + Secrets.MASK + "@127.0.0.1:"),
            shown + ": the URL is shown, masked: " + r);
        for (String half : password.split("[ #%@\n/?]")) {
          if (half.length() >= 3) {
            assertFalse(r.all().contains(half), half + " of " + shown + " printed:\n" + r);
          }
        }
        assertFalse(r.all().contains("bug"), shown + ": " + r);
      }
    }
  }
}
