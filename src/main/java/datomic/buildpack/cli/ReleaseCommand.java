package datomic.buildpack.cli;

import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.jr.ob.JSON;
import datomic.buildpack.heroku.BuildInfo;
import datomic.buildpack.heroku.Procfile;
import datomic.buildpack.heroku.SlugLayout;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code bin/release BUILD_DIR}: YAML with the default {@code transactor} and {@code peer-server}
 * process types and, for Pro (which stores its data in Postgres), the Heroku Postgres add-on for a
 * first deploy (not for a query-group app: it attaches the transactor app's database).
 */
@Command(name = "release", description = "Print the release YAML for BUILD_DIR.",
    footer = "  datomic-buildpack release /tmp/build   (what bin/release runs)")
final class ReleaseCommand implements Callable<Integer> {
  static final String POSTGRES_ADDON = "heroku-postgresql";

  @Parameters(index = "0", paramLabel = "BUILD_DIR",
      description = "The compiled app.")
  Path buildDir;

  @Override
  public Integer call() throws Exception {
    BuildInfo info = BuildInfo.read(new SlugLayout(buildDir));
    Map<String, Object> release = new LinkedHashMap<>();
    Procfile own = Procfile.read(buildDir);
    // A query-group app (a peer server, no transactor) attaches the transactor app's database:
    // a Postgres of its own would be storage no transactor writes to.
    boolean queryGroup = own.has(Procfile.PEER_SERVER) && !own.has(Procfile.TRANSACTOR);
    if (!info.isFree() && !queryGroup) {
      release.put("addons", List.of(POSTGRES_ADDON));
    }
    Map<String, String> types = new LinkedHashMap<>();
    types.put(Procfile.TRANSACTOR, Procfile.LAUNCH_COMMAND);
    types.put(Procfile.PEER_SERVER, Procfile.PEER_SERVER_COMMAND);
    types.put(Procfile.CONSOLE, Procfile.CONSOLE_COMMAND); // also when the app's Procfile lacks it
    release.put("default_process_types", types);
    JSON yaml = JSON.builder(new YAMLFactory()
        .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
        .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)).build();
    System.out.print("---\n" + yaml.asString(release));
    return 0;
  }
}
