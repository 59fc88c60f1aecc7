package datomic.buildpack.distribution;

import datomic.buildpack.config.ConfigRegistry;
import datomic.buildpack.config.Environment;
import datomic.buildpack.output.BuildLog;
import datomic.buildpack.output.UserError;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Enumeration;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;

/**
 * PLACEHOLDER (replaced by the distribution work of issue 3): fetches the zip named by
 * DATOMIC_DOWNLOAD_URL (file: or http:) and unpacks it, with no cache and no verification.
 */
public final class DistributionInstaller {
  private final ConfigRegistry registry;
  private final Environment env;
  private final BuildLog log;

  public DistributionInstaller(ConfigRegistry registry, Environment env, BuildLog log) {
    this.registry = registry;
    this.env = env;
    this.log = log;
  }

  /** Installs Datomic into {@code target} (replaced if present), using {@code cacheDir}. */
  public InstalledDistribution install(Path cacheDir, Path target) throws IOException {
    String edition = registry.value(env, "DATOMIC_EDITION").orElse("pro");
    String version = registry.value(env, "DATOMIC_VERSION").orElse("1.0.7622");
    String url = registry.value(env, "DATOMIC_DOWNLOAD_URL").orElseThrow(
        () -> new UserError("DATOMIC_DOWNLOAD_URL is required (placeholder installer)."));
    log.step("Installing Datomic " + edition + " " + version);
    Path zip = Files.createTempFile("datomic", ".zip");
    try (InputStream in = URI.create(url).toURL().openStream()) {
      Files.copy(in, zip, StandardCopyOption.REPLACE_EXISTING);
    }
    Files.createDirectories(target);
    try (ZipFile zf = ZipFile.builder().setPath(zip).get()) {
      for (Enumeration<ZipArchiveEntry> e = zf.getEntries(); e.hasMoreElements(); ) {
        ZipArchiveEntry entry = e.nextElement();
        String name = entry.getName();
        int slash = name.indexOf('/');
        String rel = slash < 0 ? "" : name.substring(slash + 1);
        if (rel.isEmpty()) {
          continue;
        }
        Path out = target.resolve(rel).normalize();
        if (entry.isDirectory()) {
          Files.createDirectories(out);
          continue;
        }
        Files.createDirectories(out.getParent());
        try (InputStream in = zf.getInputStream(entry)) {
          Files.copy(in, out, StandardCopyOption.REPLACE_EXISTING);
        }
        if ((entry.getUnixMode() & 0100) != 0) {
          out.toFile().setExecutable(true);
        }
      }
    } finally {
      Files.deleteIfExists(zip);
    }
    return new InstalledDistribution(edition, version, "unknown", target, 0);
  }
}
