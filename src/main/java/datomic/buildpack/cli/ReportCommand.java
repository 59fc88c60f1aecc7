package datomic.buildpack.cli;

import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.jr.ob.JSON;
import datomic.buildpack.heroku.BuildInfo;
import datomic.buildpack.heroku.SlugLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code bin/report BUILD_DIR CACHE_DIR ENV_DIR}: the build's metadata as YAML for Heroku's
 * build report. It never fails a build: with nothing to report it prints an empty mapping.
 */
@Command(name = "report", description = "Print build metadata (Datomic edition, version, checksum) as YAML.")
final class ReportCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "BUILD_DIR")
  Path buildDir;

  @Parameters(index = "1..*", paramLabel = "DIR", arity = "0..*",
      description = "CACHE_DIR and ENV_DIR (not read).")
  Path[] unused;

  @Override
  public Integer call() throws Exception {
    SlugLayout slug = new SlugLayout(buildDir);
    Map<String, Object> report = new LinkedHashMap<>();
    if (Files.isRegularFile(slug.buildInfo())) {
      BuildInfo info = BuildInfo.read(slug);
      report.put("datomic_edition", info.edition());
      report.put("datomic_version", info.version());
      report.put("datomic_sha256", info.sha256());
      report.put("buildpack_version", info.buildpackVersion());
    }
    JSON yaml = JSON.builder(new YAMLFactory()
        .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
        .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
        .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS))
        .enable(JSON.Feature.WRITE_NULL_PROPERTIES).build(); // a missing field shows as null
    System.out.print(report.isEmpty() ? "{}\n" : yaml.asString(report));
    return 0;
  }
}
