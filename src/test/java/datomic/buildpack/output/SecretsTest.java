package datomic.buildpack.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SecretsTest {
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "https://user:s3cret@host/x.zip | https://user:********@host/x.zip",
    "https://mirror:tok/en+SECRET@bucket/d.zip | https://mirror:********@bucket/d.zip",
    "https://user:p@ss@host/d.zip | https://user:********@host/d.zip",
    "postgres://u:pw@db:5432/d?sslmode=require | postgres://u:********@db:5432/d?sslmode=require",
    "https://b.s3.amazonaws.com/d.zip?X-Amz-Signature=TOPSECRETSIG&X-Amz-Date=1 | https://b.s3.amazonaws.com/d.zip?X-Amz-Signature=********&X-Amz-Date=1",
    "jdbc:postgresql://h/d?user=u&password=hunter2 | jdbc:postgresql://h/d?user=u&password=********",
    "https://host:8443/path/x.zip | https://host:8443/path/x.zip",
    "no url here | no url here",
    // Passwords that make the URL unparsable are masked all the same.
    "https://me:pa ss@host/x.zip | https://me:********@host/x.zip",
    "https://me:pa#ss@host/x.zip | https://me:********@host/x.zip",
    "https://me:50%off@host/x.zip | https://me:********@host/x.zip",
    "https://me:p@s s/w?rd#x@127.0.0.1:8080/x.zip | https://me:********@127.0.0.1:8080/x.zip",
    "https://me:pw@[::1]:8080/x.zip | https://me:********@[::1]:8080/x.zip",
    "DATOMIC_DOWNLOAD_URL=https://me:a b@h/x: expected a URL | DATOMIC_DOWNLOAD_URL=https://me:********@h/x: expected a URL",
    "from https://a:x y@h1/z to https://b:q#r@h2/w | from https://a:********@h1/z to https://b:********@h2/w",
    "https://host/x.zip failed: connection refused | https://host/x.zip failed: connection refused",
    "https://user@host/x.zip | https://user@host/x.zip",
    // Any parameter whose name says it is a secret, whatever its case and wherever it stands.
    "postgres://h/d?sslpassword=k3y&sslmode=require | postgres://h/d?sslpassword=********&sslmode=require",
    "postgres://h/d?PGPASSWORD=hunter2 | postgres://h/d?PGPASSWORD=********",
    "https://h/x?api_key=a1&AccessToken=b2&client_secret=c3&pwd=d4&passwd=e5&X-Amz-Credential=f6 | https://h/x?api_key=********&AccessToken=********&client_secret=********&pwd=********&passwd=********&X-Amz-Credential=********",
    "sql-driver-params=user=u;sslPassword=abc;ssl=true | sql-driver-params=user=u;sslPassword=********;ssl=true",
    "DATOMIC_SQL_DRIVER_PARAMS=sslpassword=abc is refused | DATOMIC_SQL_DRIVER_PARAMS=sslpassword=******** is refused",
    "password=abc, Password=def | password=******** Password=********",
    // Not a parameter: a config var named in a hint (its value is a placeholder), a word.
    "heroku config:set DATOMIC_PEER_SERVER_SECRET=$(openssl rand -hex 24) | heroku config:set DATOMIC_PEER_SERVER_SECRET=$(openssl rand -hex 24)",
    "tcpKeepAlive=true&sslmode=require | tcpKeepAlive=true&sslmode=require",
  })
  void masksPasswordsInUrlsAndQueries(String text, String masked) {
    assertEquals(masked, Secrets.maskUrls(text));
  }

  @ParameterizedTest
  @CsvSource({"abc-secret-value", "p@ss/w:rd"})
  void masksRegisteredValuesAnywhere(String secret) {
    String text = "failed with " + secret + " in the middle";
    String masked = new Secrets().add(secret).mask(text);
    assertFalse(masked.contains(secret), masked);
    assertEquals("failed with ******** in the middle", masked);
  }

  /**
   * A short or common secret is not searched for in text: it would be found inside words and
   * numbers (the summary garbled, the secret given away by where the stars fall). A long one is
   * masked where it stands as a whole token, never inside a word.
   */
  @Test
  void aRegisteredValueIsMaskedOnlyAsAWholeTokenAndOnlyWhenLongEnough() {
    Secrets secrets = new Secrets().add("datomic").add("8").add("in").add("s3cr3t-0123456789");
    for (String text : List.of("datomic:sql://orders?jdbc:postgresql://h/db",
        "-Ddatomic.metricsCallback=datomic-buildpack.metrics/callback",
        "listen 10.0.0.8:8998", "memory-index-max 512m", "s3cr3t-0123456789abc",
        "xs3cr3t-0123456789")) {
      assertEquals(text, secrets.mask(text));
    }
    assertEquals("auth ******** failed, (********) and ********.",
        secrets.mask("auth s3cr3t-0123456789 failed, (s3cr3t-0123456789) and s3cr3t-0123456789."));
    assertTrue(Secrets.namesASecret("datomic.memcachedPassword"));
    assertTrue(Secrets.namesASecret("license-key"));
    assertFalse(Secrets.namesASecret("memory-index-max"));
  }

  @Test
  void aLineBreakInThePasswordIsMaskedToo() {
    String masked = Secrets.maskUrls("https://me:first-half\nsecond-half@host/x.zip failed");
    assertEquals("https://me:********@host/x.zip failed", masked);
  }

  /** Every line the build log prints is masked, whatever the caller passed. */
  @Test
  void theBuildLogMasksEveryLineWhateverTheCallerForgot() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
    Log log = new Log(ps, ps);
    log.step("Step https://u:step pw@h/x");
    log.detail("Detail https://u:detail#pw@h/x");
    log.warning("Warning https://u:warn%pw@h/x", "line https://u:ln1\npw2@h/x");
    log.error(new UserError("Error https://u:err pw@h/x", "advice https://u:adv@pw@h/x"));
    String printed = out.toString(StandardCharsets.UTF_8);
    for (String secret : List.of("step pw", "detail#pw", "warn%pw", "ln1", "pw2", "err pw",
        "adv@pw", "pw@h")) {
      assertFalse(printed.contains(secret), secret + " printed:\n" + printed);
    }
    assertTrue(printed.contains("-----> Step https://u:********@h/x"), printed);
    assertTrue(printed.contains(" !     line https://u:********@h/x"), printed);
  }
}
