package datomic.buildpack.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

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
}
