package datomic.buildpack.heroku;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import datomic.buildpack.output.UserError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The facts of a build that the dyno side needs: which Datomic is in the slug. No secrets. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record BuildInfo(
    @JsonProperty("edition") String edition,
    @JsonProperty("version") String version,
    @JsonProperty("sha256") String sha256,
    @JsonProperty("buildpackVersion") String buildpackVersion) {

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  @JsonIgnore
  public boolean isFree() {
    return "free".equals(edition);
  }

  @JsonIgnore
  public String displayEdition() {
    return isFree() ? "Free" : "Pro";
  }

  public void write(Path file) throws IOException {
    JSON.writeValue(file.toFile(), this);
  }

  public static BuildInfo read(SlugLayout slug) {
    Path file = slug.buildInfo();
    if (!Files.isRegularFile(file)) {
      throw new UserError("This app has no Datomic installed (" + slug.appDir().relativize(file)
          + " is missing).",
          "The Datomic buildpack writes it during the build. Check that the buildpack is set",
          "(heroku buildpacks -a <app>) and push again.");
    }
    try {
      return JSON.readValue(file.toFile(), BuildInfo.class);
    } catch (IOException e) {
      throw new UserError("The Datomic build information is unreadable: " + e.getMessage(),
          "Push again to rebuild the app.").withCause(e);
    }
  }
}
