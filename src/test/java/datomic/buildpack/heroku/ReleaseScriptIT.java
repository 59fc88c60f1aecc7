package datomic.buildpack.heroku;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import datomic.buildpack.testsupport.BuildFixture;
import datomic.buildpack.testsupport.FaultyHttpServer;
import datomic.buildpack.testsupport.Locks;
import datomic.buildpack.testsupport.Machine;
import datomic.buildpack.testsupport.Repo;
import datomic.buildpack.testsupport.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * scripts/release in a throwaway git repository: the CHANGELOG's Unreleased section becomes the
 * release's, the version and the pins move together, the notes come out as they went in; and a
 * whole release (tests skipped, Maven offline) tags a source whose first deploy downloads the
 * release's jar instead of running Maven.
 */
class ReleaseScriptIT {
  private static final String HOMEPAGE =
      "https://github.com/heroku-buildpack-datomic/heroku-buildpack-datomic";

  @TempDir Path tmp;

  private static Run git(Path repo, String... args) {
    List<String> command = new java.util.ArrayList<>(List.of("git", "-c", "user.name=Release Test",
        "-c", "user.email=release@example.com", "-c", "commit.gpgsign=false",
        "-c", "tag.gpgsign=false"));
    command.addAll(List.of(args));
    return Run.of(command).in(repo);
  }

  private static String ok(Run run) {
    Run.Result r = run.go();
    assertEquals(0, r.exitCode(), r.toString());
    return r.stdout();
  }

  private static Path initRepo(Path repo) {
    ok(git(repo, "init", "-q", "-b", "main"));
    ok(git(repo, "add", "-A"));
    ok(git(repo, "commit", "-q", "-m", "Start"));
    return repo;
  }

  private static Run release(Path repo, String... args) {
    List<String> command = new java.util.ArrayList<>(List.of(
        repo.resolve("scripts/release").toString()));
    command.addAll(List.of(args));
    // Its ./mvnw package offline: the machine's Maven repository has it all.
    return Run.of(command).in(repo).env("NO_COLOR", "1").env("MAVEN_ARGS", "-o")
        .env("GIT_AUTHOR_NAME", "Release Test").env("GIT_AUTHOR_EMAIL", "release@example.com")
        .env("GIT_COMMITTER_NAME", "Release Test").env("GIT_COMMITTER_EMAIL", "release@example.com");
  }

  /**
   * Makes the copy's CHANGELOG list a change under Unreleased (the project's own lists none just
   * after a release), so a release can be made in it whatever state the checkout is in.
   */
  private static void pendingChange(Path repo) throws IOException {
    Path file = repo.resolve("CHANGELOG.md");
    String text = Files.readString(file);
    if (unreleasedOf(text).isEmpty()) {
      Files.writeString(file, text.replace("## Unreleased\n",
          "## Unreleased\n\n### Added\n- A change since the last release.\n"));
    }
  }

  /** The release scripts/release makes next in {@code repo}: buildpack.toml's version + 1. */
  private static int nextRelease(Path repo) throws IOException {
    Matcher m = Pattern.compile("(?m)^version = \"(\\d+)\"").matcher(
        Files.readString(repo.resolve("buildpack.toml")));
    assertTrue(m.find(), "buildpack.toml has a version");
    return Integer.parseInt(m.group(1)) + 1;
  }

  /** The lines under a CHANGELOG heading, as the project's own CHANGELOG has them. */
  private static String unreleasedOf(String changelog) {
    int start = changelog.indexOf("## Unreleased\n") + "## Unreleased\n".length();
    int end = changelog.indexOf("\n## ", start);
    return changelog.substring(start, end < 0 ? changelog.length() : end).strip();
  }

  /** The files whose pins scripts/release moves: README.md, docs/*.md, examples/NAME/app.json. */
  private static List<String> pinnedFiles(Path root) throws IOException {
    List<String> files = new java.util.ArrayList<>(List.of("README.md"));
    try (java.util.stream.Stream<Path> docs = Files.list(root.resolve("docs"))) {
      docs.map(p -> "docs/" + p.getFileName()).filter(f -> f.endsWith(".md")).sorted()
          .forEach(files::add);
    }
    try (java.util.stream.Stream<Path> examples = Files.list(root.resolve("examples"))) {
      examples.map(p -> "examples/" + p.getFileName() + "/app.json")
          .filter(f -> Files.isRegularFile(root.resolve(f))).sorted().forEach(files::add);
    }
    assertTrue(files.contains("examples/query-group/app.json"), files.toString());
    return files;
  }

  /**
   * The README, the docs and the app.json examples pin the newest release of buildpack.toml's
   * homepage: its version, or v1 (the first tag scripts/release makes) before the first release.
   */
  @Test
  void docsPinTheNewestRelease() throws IOException {
    String toml = Files.readString(Repo.root().resolve("buildpack.toml"));
    Matcher version = Pattern.compile("\nversion = \"(\\d+)\"").matcher(toml);
    assertTrue(version.find(), toml);
    assertTrue(toml.contains("\nhomepage = \"" + HOMEPAGE + "\"\n"), toml);
    String pin = HOMEPAGE + "#v" + Math.max(1, Integer.parseInt(version.group(1)));
    for (String file : pinnedFiles(Repo.root())) {
      String text = Files.readString(Repo.root().resolve(file));
      Matcher urls = Pattern.compile(Pattern.quote(HOMEPAGE) + "(#v\\d+)?(?![\\w/#-])")
          .matcher(text);
      int pins = 0;
      while (urls.find()) {
        if (file.endsWith(".json") || text.substring(Math.max(0, urls.start() - 40), urls.start())
            .contains("buildpacks:set")) {
          assertEquals(pin, urls.group(), file + " pins " + urls.group());
          pins++;
        }
      }
      assertTrue(pins > 0 || file.startsWith("docs/"), file + " shows how to pin a release");
    }
  }

  @Test
  void bumpMovesUnreleasedIntoTheReleaseAndNotesGiveItBack() throws IOException {
    Path repo = Files.createDirectories(tmp.resolve("repo"));
    for (String f : List.of("CHANGELOG.md", "buildpack.toml", "README.md", "docs", "examples",
        "lib", "scripts")) {
      BuildFixture.copyTree(Repo.root().resolve(f), repo.resolve(f));
    }
    pendingChange(repo);
    initRepo(repo);
    int n = nextRelease(repo);
    String original = Files.readString(repo.resolve("CHANGELOG.md"));
    String unreleased = unreleasedOf(original);
    assertFalse(unreleased.isEmpty(), "the project's CHANGELOG has unreleased changes");

    Run.Result none = release(repo, "notes", "v" + n).go();
    assertEquals(1, none.exitCode(), none.toString());
    assertTrue(none.stderr().contains("Error: CHANGELOG.md has no section '## v" + n + " - DATE'"),
        none.stderr());

    assertEquals(n + "\n", ok(release(repo, "bump", "2026-12-01")));
    String changelog = Files.readString(repo.resolve("CHANGELOG.md"));
    assertTrue(changelog.contains("## Unreleased\n\n## v" + n + " - 2026-12-01\n\n" + unreleased + "\n"),
        changelog.substring(0, 600));
    assertEquals("", unreleasedOf(changelog), "Unreleased starts empty");
    assertEquals(original.replace("## Unreleased\n", "## Unreleased\n\n## v" + n + " - 2026-12-01\n"),
        changelog, "nothing else changed");
    assertTrue(Files.readString(repo.resolve("buildpack.toml")).contains("\nversion = \"" + n + "\"\n"));
    assertEquals(unreleased + "\n", ok(release(repo, "notes", "v" + n)));
    assertEquals(unreleased + "\n", ok(release(repo, "notes", String.valueOf(n))));
    ok(git(repo, "commit", "-q", "-am", "Release v" + n));

    // Nothing unreleased: no bump, nothing touched.
    Run.Result empty = release(repo, "bump").go();
    assertEquals(1, empty.exitCode(), empty.toString());
    assertTrue(empty.stderr().contains("Nothing to release"), empty.stderr());
    assertEquals("", ok(git(repo, "status", "--porcelain")));

    // A second release: one change; the pins in the README, docs and app.json examples follow.
    Files.writeString(repo.resolve("CHANGELOG.md"), changelog.replace("## Unreleased\n",
        "## Unreleased\n\n### Fixed\n- A fix.\n"));
    assertEquals((n + 1) + "\n", ok(release(repo, "bump", "2026-12-24")));
    assertEquals("### Fixed\n- A fix.\n", ok(release(repo, "notes", "v" + (n + 1))));
    assertEquals(unreleased + "\n", ok(release(repo, "notes", "v" + n)), "the previous release as it was");
    List<String> pinned = new java.util.ArrayList<>();
    for (String file : pinnedFiles(repo)) {
      if (Files.readString(Repo.root().resolve(file)).contains(HOMEPAGE + "#v")) {
        pinned.add(file);
      }
    }
    assertTrue(pinned.contains("docs/backups.md"), "a docs page shows a pin: " + pinned);
    List<String> changed = new java.util.ArrayList<>(List.of("CHANGELOG.md", "buildpack.toml"));
    changed.addAll(pinned);
    assertEquals(changed.stream().sorted().toList(),
        ok(git(repo, "diff", "--name-only")).lines().sorted().toList());
    for (String file : pinned) {
      String text = Files.readString(repo.resolve(file));
      assertTrue(text.contains(HOMEPAGE + "#v" + (n + 1)), file);
      assertFalse(Pattern.compile(Pattern.quote(HOMEPAGE + "#v" + n) + "(?!\\d)").matcher(text)
          .find(), file);
    }
  }

  @Test
  @ResourceLock(Locks.MAVEN_REPOSITORY)
  void aReleaseTagsSourcesWhoseFirstDeployDownloadsTheReleasedJar() throws Exception {
    try (FaultyHttpServer server = new FaultyHttpServer()) {
      Path repo = Machine.buildpackCheckout(tmp.resolve("repo"));
      // The release assets live under the homepage: here, the loopback server.
      String homepage = server.url("/acme/heroku-buildpack-datomic");
      Path toml = repo.resolve("buildpack.toml");
      Files.writeString(toml, Files.readString(toml).replace(HOMEPAGE, homepage));
      pendingChange(repo);
      initRepo(repo);
      int n = nextRelease(repo);
      String v = "v" + n;
      String unreleased = unreleasedOf(Files.readString(repo.resolve("CHANGELOG.md")));

      Run.Result dirty = release(repo, "--skip-tests").go();
      assertTrue(dirty.exitCode() == 0, dirty.toString());

      String jarPath = "/acme/heroku-buildpack-datomic/releases/download/" + v + "/datomic-buildpack.jar";
      Path jar = repo.resolve("target/release/" + v + "/datomic-buildpack.jar");
      assertTrue(Files.isRegularFile(jar), dirty.toString());
      String sha = HexFormat.of().formatHex(
          MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(jar)));
      String out = dirty.stdout();
      assertTrue(out.contains("git push origin main " + v), out);
      assertTrue(out.contains("gh release create " + v + " target/release/" + v + "/datomic-buildpack.jar"),
          out);
      assertTrue(out.contains("heroku buildpacks:publish"), out);
      assertTrue(dirty.stderr().contains("Tests skipped"), dirty.stderr());

      // The tag: the release commit with the record, annotated with the notes.
      assertEquals("", ok(git(repo, "status", "--porcelain")), "everything committed");
      assertEquals("Release " + v + "\n", ok(git(repo, "log", "-1", "--format=%s", v)));
      String notes = Files.readString(repo.resolve("target/release/" + v + "/notes.md"));
      assertEquals(unreleased + "\n", notes);
      assertTrue(ok(git(repo, "tag", "-l", "--format=%(contents)", v)).startsWith(notes));
      String record = ok(git(repo, "show", v + ":buildpack-release.json"));
      assertTrue(record.contains("\"version\": \"" + n + "\""), record);
      assertTrue(record.contains("\"sha256\": \"" + sha + "\""), record);
      assertTrue(record.contains("\"jar\": \"" + server.url(jarPath) + "\""), record);
      Matcher sources = Pattern.compile("\"sources\": \"([0-9a-f]{64})\"").matcher(record);
      assertTrue(sources.find(), record);
      assertEquals(sha + "  datomic-buildpack.jar\n",
          Files.readString(repo.resolve("target/release/" + v + "/datomic-buildpack.jar.sha256")));

      // Deploying the tag as Heroku fetches it (no target/): the released jar, no Maven.
      Path tagged = Files.createDirectories(tmp.resolve("tagged"));
      Run.Result archive = Run.of("bash", "-c", "git archive " + v + " | tar -x -C " + tagged)
          .in(repo).go();
      assertEquals(0, archive.exitCode(), archive.toString());
      assertFalse(Files.exists(tagged.resolve("target")));
      server.on(jarPath, FaultyHttpServer.ok(Files.readAllBytes(jar)));
      try (BuildFixture app = BuildFixture.of("minimal-transactor", tmp.resolve("app"))
          .withDistribution()) {
        Run.Result deploy = Run.of(tagged.resolve("bin/compile").toString(),
            app.build().toString(), app.cache().toString(), app.env().toString()).go();
        assertEquals(0, deploy.exitCode(), deploy.toString());
        assertTrue(deploy.stdout().contains("Downloading the buildpack CLI of release " + v),
            deploy.stdout());
        assertTrue(deploy.stdout().contains("Verified: SHA-256 " + sha), deploy.stdout());
        // The release's own jar, downloaded and verified: its build shows the release, vN.
        assertTrue(deploy.stdout().contains("-----> Datomic transactor buildpack " + v + "\n"),
            deploy.stdout());
        assertFalse(deploy.all().contains("Maven"), deploy.toString());
        assertEquals(1, server.count(jarPath));
      }

      // Another release at once: refused, nothing is unreleased.
      Run.Result again = release(repo, "--skip-tests").go();
      assertEquals(1, again.exitCode(), again.toString());
      assertTrue(again.stderr().contains("Nothing to release"), again.stderr());
    }
  }
}
