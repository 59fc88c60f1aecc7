package datomic.buildpack.cli;

import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.jr.ob.JSON;
import datomic.buildpack.compile.BuildData;
import datomic.buildpack.slug.BuildInfo;
import datomic.buildpack.slug.SlugLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code bin/report BUILD_DIR CACHE_DIR ENV_DIR}: the build's metadata as YAML for Heroku's
 * build report, for a failed build too: the build data compile left in CACHE_DIR (steps and their
 * durations, cache status, the failure's category, slug sizes) and the Datomic in the slug. It
 * never fails a build: with nothing to report it prints an empty mapping.
 */
@Command(name = "report", description = "Print build metadata (durations, cache, outcome, Datomic"
    + " edition, version, checksum) as YAML.",
    footer = "  datomic-buildpack report /tmp/build /tmp/cache   (what bin/report runs)")
final class ReportCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "BUILD_DIR",
      description = "The app being built.")
  Path buildDir;

  @Parameters(index = "1", paramLabel = "CACHE_DIR", arity = "0..1",
      description = "The build cache, where compile left its build data.")
  Path cacheDir;

  @Parameters(index = "2..*", paramLabel = "ENV_DIR", arity = "0..*", description = "Not read.")
  Path[] unused;

  @Override
  public Integer call() throws Exception {
    Map<String, Object> report = new LinkedHashMap<>();
    if (cacheDir != null) {
      report.putAll(BuildData.of(cacheDir).report());
    }
    SlugLayout slug = new SlugLayout(buildDir);
    if (Files.isRegularFile(slug.buildInfo())) {
      BuildInfo info = BuildInfo.read(slug);
      report.putIfAbsent("datomic_edition", info.edition());
      report.putIfAbsent("datomic_version", info.version());
      report.putIfAbsent("datomic_sha256", info.sha256());
      report.putIfAbsent("buildpack_version", info.buildpackVersion());
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
