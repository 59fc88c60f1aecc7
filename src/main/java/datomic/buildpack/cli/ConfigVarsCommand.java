package datomic.buildpack.cli;

import datomic.buildpack.config.ConfigRegistry;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Prints the table of config vars docs/configuration.md carries (generated from the one registry). */
@Command(name = "config-vars",
    description = "Print the config vars this buildpack reads, as a Markdown table.",
    footer = "  datomic-buildpack config-vars > config-vars.md")
final class ConfigVarsCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    System.out.print(ConfigRegistry.load().markdownTable());
    return 0;
  }
}
