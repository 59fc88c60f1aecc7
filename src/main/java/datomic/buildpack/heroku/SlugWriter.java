package datomic.buildpack.heroku;

import datomic.buildpack.files.Trees;
import datomic.buildpack.output.BuildLog;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Writes the buildpack's own files into the slug: the launcher script and CLI jar the Procfile
 * commands call, the stdout logback configuration, build facts, the .profile.d script, and a
 * Procfile when the app has none. Nothing written refers to the absolute build path.
 */
public final class SlugWriter {
  private static final String RESOURCES = "/datomic/buildpack/slug/";

  private final SlugLayout slug;
  private final BuildLog log;

  public SlugWriter(SlugLayout slug, BuildLog log) {
    this.slug = slug;
    this.log = log;
  }

  public void writeLauncher(Path cliJar, BuildInfo info) throws IOException {
    log.step("Installing the transactor launcher");
    Files.createDirectories(slug.binDir());
    copyResource("datomic-buildpack", slug.launcherScript(), true);
    copyResource("logback.xml", slug.logbackConfig(), false);
    Files.copy(cliJar, slug.jar(), StandardCopyOption.REPLACE_EXISTING);
    info.write(slug.buildInfo());
    Files.createDirectories(slug.profileScript().getParent());
    copyResource("profile.sh", slug.profileScript(), false);
    writeClojureSources();
    log.detail("Procfile commands run " + relative(slug.launcherScript())
        + "; it renders transactor.properties from config vars at every dyno boot.");
  }

  /**
   * Copies the Clojure sources shipped in the jar under {@code slug/clj/} (the metrics callback)
   * into {@code .datomic/clj}, replacing whatever was there.
   */
  void writeClojureSources() throws IOException {
    Trees.delete(slug.cljDir());
    String prefix = RESOURCES.substring(1) + "clj/";
    Path source;
    try {
      source = Path.of(SlugWriter.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (java.net.URISyntaxException e) {
      throw new IOException("cannot locate the buildpack's own classes", e);
    }
    if (Files.isDirectory(source)) { // run from classes (an IDE): the resources are files
      Path from = source.resolve(prefix);
      if (Files.isDirectory(from)) {
        Trees.copy(from, slug.cljDir());
      }
      return;
    }
    try (ZipFile jar = new ZipFile(source.toFile())) {
      for (ZipEntry entry : java.util.Collections.list(jar.entries())) {
        String name = entry.getName();
        if (!name.startsWith(prefix) || entry.isDirectory() || name.contains("..")) {
          continue;
        }
        Path target = slug.cljDir().resolve(name.substring(prefix.length()));
        Files.createDirectories(target.getParent());
        try (InputStream in = jar.getInputStream(entry)) {
          Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-r--r--"));
      }
    }
  }

  /** Keeps an app's own Procfile (saying what it lacks), or writes the standard one. */
  public void writeProcfile() throws IOException {
    log.step("Checking the Procfile");
    Procfile own = Procfile.read(slug.appDir());
    if (!Files.exists(slug.procfile())) {
      Files.writeString(slug.procfile(), Procfile.standard().render());
      log.detail("No Procfile in the app; wrote one with these processes:");
      Procfile.standard().processes().forEach((k, v) -> log.detail("  " + k + ": " + v));
      return;
    }
    log.detail("Using the app's own Procfile.");
    if (!own.has(Procfile.TRANSACTOR)) {
      log.warning("The app's Procfile has no transactor: process.",
          "Heroku will use the default from this buildpack: "
              + Procfile.TRANSACTOR + ": " + Procfile.LAUNCH_COMMAND,
          "Add that line to the Procfile to make it explicit.");
    }
    if (!own.has(Procfile.RELEASE)) {
      log.warning("The app's Procfile has no release: process.",
          "Without it, a bad config var is only found when the transactor dyno crashes.",
          "Add: " + Procfile.RELEASE + ": " + Procfile.RELEASE_COMMAND);
    }
  }

  private String relative(Path path) {
    return slug.appDir().relativize(path).toString();
  }

  private static void copyResource(String name, Path target, boolean executable)
      throws IOException {
    try (InputStream in = SlugWriter.class.getResourceAsStream(RESOURCES + name)) {
      if (in == null) {
        throw new UncheckedIOException(new IOException("missing resource " + name));
      }
      Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
    }
    Files.setPosixFilePermissions(target,
        PosixFilePermissions.fromString(executable ? "rwxr-xr-x" : "rw-r--r--"));
  }
}
