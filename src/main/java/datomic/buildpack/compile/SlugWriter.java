package datomic.buildpack.compile;

import datomic.buildpack.files.Trees;
import datomic.buildpack.output.Log;
import datomic.buildpack.slug.AppFiles;
import datomic.buildpack.slug.BuildInfo;
import datomic.buildpack.slug.SlugLayout;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Writes the buildpack's own files into the slug: the launcher script and CLI jar the Procfile
 * commands call, the stdout logback configuration, build facts, the .profile.d script, and a
 * Procfile when the app has none. Nothing written refers to the absolute build path, and nothing
 * is written through a link the app committed (see {@link AppFiles} for what happens to each).
 */
public final class SlugWriter {
  private static final String RESOURCES = "/datomic/buildpack/slug/";

  private final SlugLayout slug;
  private final AppFiles files;
  private final Log log;

  public SlugWriter(SlugLayout slug, Log log) {
    this.slug = slug;
    this.files = new AppFiles(slug.appDir());
    this.log = log;
  }

  public void writeLauncher(Path cliJar, BuildInfo info) throws IOException {
    log.step("Installing the transactor launcher");
    // .datomic, .datomic/bin, .datomic/clj and .profile.d: a link is refused (AppFiles.folder);
    // the files are the buildpack's own, so a link in their place is replaced
    // (AppFiles.replaceable).
    copyResource("datomic-buildpack", files.replaceable(slug.launcherScript()), true);
    copyResource("logback.xml", files.replaceable(slug.logbackConfig()), false);
    Files.copy(cliJar, files.replaceable(slug.jar()), StandardCopyOption.REPLACE_EXISTING);
    info.write(files.replaceable(slug.buildInfo()));
    copyResource("profile.sh", files.replaceable(slug.profileScript()), false);
    copyClojure();
    log.detail("Procfile commands run " + relative(slug.launcherScript())
        + "; it renders transactor.properties from config vars at every dyno boot.");
  }

  /**
   * Copies the Clojure shipped in the jar's {@code slug/clj/} (the peer server's main) into
   * {@code .datomic/clj}, which the launcher puts on Datomic's classpath.
   */
  private void copyClojure() throws IOException {
    URL root = SlugWriter.class.getResource(RESOURCES + "clj/");
    if (root == null) {
      throw new UncheckedIOException(new IOException("missing resource folder clj/"));
    }
    files.checkFolder(slug.cljDir()); // a link the app committed there is refused
    Trees.deleteQuietly(slug.cljDir());
    try {
      URI uri = root.toURI();
      if ("jar".equals(uri.getScheme())) {
        try (FileSystem jar = FileSystems.newFileSystem(uri, Map.of())) {
          copyTree(jar.getPath(RESOURCES + "clj/"), slug.cljDir());
        }
      } else {
        copyTree(Path.of(uri), slug.cljDir());
      }
    } catch (URISyntaxException e) {
      throw new IOException(e);
    }
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path file : files.sorted().toList()) {
        Path target = to.resolve(from.relativize(file).toString());
        if (Files.isDirectory(file)) {
          Files.createDirectories(target);
        } else {
          Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
          Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-r--r--"));
        }
      }
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
