package datomic.buildpack.compile.distribution.download;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** HTTP basic-auth credentials; {@link #toString()} never shows the password. */
public record Credentials(String user, String password) {
  String basicHeader() {
    return "Basic " + Base64.getEncoder().encodeToString(
        (user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public String toString() {
    return "Credentials[user=" + user + ", password=********]";
  }
}
