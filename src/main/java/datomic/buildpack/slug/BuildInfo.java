package datomic.buildpack.slug;

import datomic.buildpack.files.Json;
import datomic.buildpack.output.UserError;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** The facts of a build that the dyno side needs: which Datomic is in the slug. No secrets. */
public record BuildInfo(String edition, String version, String sha256, String buildpackVersion) {
  public boolean isFree() {
    return "free".equals(edition);
  }

  public String displayEdition() {
    return isFree() ? "Free" : "Pro";
  }

  public void write(Path file) throws IOException {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("edition", edition);
    json.put("version", version);
    json.put("sha256", sha256);
    json.put("buildpackVersion", buildpackVersion);
    Json.write(file, json);
  }

  public static BuildInfo read(SlugLayout slug) {
    Optional<Path> found = new AppFiles(slug.appDir()).readable(slug.buildInfo());
    if (found.isEmpty()) {
      throw new UserError("This app has no Datomic installed ("
          + slug.appDir().relativize(slug.buildInfo()) + " is missing).",
          "The Datomic buildpack writes it during the build. Check that the buildpack is set",
          "(heroku buildpacks -a <app>) and push again.");
    }
    try {
      Map<String, Object> json = Json.read(found.get()); // unknown fields are ignored
      return new BuildInfo(Json.string(json, "edition"), Json.string(json, "version"),
          Json.string(json, "sha256"), Json.string(json, "buildpackVersion"));
    } catch (IOException e) {
      throw new UserError("The Datomic build information is unreadable: " + e.getMessage(),
          "Push again to rebuild the app.").withCause(e);
    }
  }
}
