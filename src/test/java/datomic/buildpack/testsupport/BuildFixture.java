package datomic.buildpack.testsupport;

import datomic.buildpack.files.Trees;
import datomic.buildpack.local.FakeDistribution;
import datomic.buildpack.local.LoopbackServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A fixture app copied into a temp build folder, with the cache and env folders Heroku would
 * pass, and a fake Datomic zip served from 127.0.0.1. Runs the real bin/ shims against them.
 */
public final class BuildFixture implements AutoCloseable {
  public static final String VERSION = "1.0.7622";

  private final Path root;
  private final Path build;
  private final Path cache;
  private final Path env;
  private LoopbackServer server;

  private BuildFixture(Path root, Path build) {
    this.root = root;
    this.build = build;
    this.cache = root.resolve("cache");
    this.env = root.resolve("env");
    try {
      Files.createDirectories(cache);
      Files.createDirectories(env);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Copies {@code test-fixtures/apps/<app>} into {@code root/build}. */
  public static BuildFixture of(String app, Path root) {
    Path build = root.resolve("build");
    copyTree(Repo.app(app), build);
    return new BuildFixture(root, build);
  }

  /** Builds the fake distribution zip and serves it; sets DATOMIC_DOWNLOAD_URL and VERSION. */
  public BuildFixture withDistribution() {
    return withDistribution(FakeDistribution.from(Repo.distSources()).version(VERSION), "pro");
  }

  public BuildFixture withDistribution(FakeDistribution dist, String edition) {
    Path zip = dist.writeTo(root.resolve(dist.topFolder().replace("/", "") + ".zip"));
    server = LoopbackServer.serve("/datomic/" + zip.getFileName(), zip);
    setVar("DATOMIC_DOWNLOAD_URL", server.url());
    setVar("DATOMIC_VERSION", VERSION);
    if (!"pro".equals(edition)) {
      setVar("DATOMIC_EDITION", edition);
    }
    return this;
  }

  /** Writes a config var the way Heroku does: a file in ENV_DIR. */
  public BuildFixture setVar(String name, String value) {
    try {
      Files.writeString(env.resolve(name), value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }

  public Run.Result detect() {
    return Run.of(Repo.bin("detect"), build.toString()).go();
  }

  public Run.Result compile() {
    return compile(Map.of());
  }

  /** bin/compile with {@code processEnv} added to its process environment (not config vars). */
  public Run.Result compile(Map<String, String> processEnv) {
    return Run.of(Repo.bin("compile"), build.toString(), cache.toString(), env.toString())
        .env(processEnv).go();
  }

  /** Compiles and fails the test unless it worked. */
  public Run.Result compileOk() {
    Run.Result r = compile();
    if (r.exitCode() != 0) {
      throw new AssertionError("compile failed: " + r);
    }
    return r;
  }

  public Run.Result release() {
    return Run.of(Repo.bin("release"), build.toString()).go();
  }

  /** The URL the fake distribution is served at (set as DATOMIC_DOWNLOAD_URL). */
  public String downloadUrl() {
    return server.url();
  }

  public int downloads() {
    return server == null ? 0 : server.requests();
  }

  public Path root() {
    return root;
  }

  public Path build() {
    return build;
  }

  public Path cache() {
    return cache;
  }

  public Path env() {
    return env;
  }

  @Override
  public void close() {
    if (server != null) {
      server.close();
    }
  }

  /** Copies a folder tree (the target must not exist). */
  public static void copyTree(Path from, Path to) {
    try {
      Trees.copy(from, to);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
