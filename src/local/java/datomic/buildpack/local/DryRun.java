package datomic.buildpack.local;

import datomic.buildpack.catalog.DatomicVersion;
import datomic.buildpack.catalog.Edition;
import datomic.buildpack.catalog.VersionCatalog;
import datomic.buildpack.config.Advice;
import datomic.buildpack.config.DynoTypes;
import datomic.buildpack.files.Trees;
import datomic.buildpack.heroku.Procfile;
import datomic.buildpack.heroku.ProcfileProcess;
import datomic.buildpack.output.Echo;
import datomic.buildpack.output.Log;
import datomic.buildpack.output.UserError;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * The local end-to-end run: detect, compile and release an app into temp folders the way Heroku
 * would, then the release phase, the {@code transactor} process(es) and the {@code peer-server}
 * process from the resulting Procfile, on simulated dynos of a Private Space, against a
 * throwaway local PostgreSQL when one can be started; then stops them. The config vars of the
 * run ({@code -e}, {@code --env-file}) go to the build's ENV_DIR and to every dyno, as on Heroku.
 *
 * <p>The Datomic it installs is, by default, a stand-in built from {@code test-fixtures} and
 * served on 127.0.0.1 (bash scripts: the run proves the buildpack's part, not Datomic). With a
 * real distribution (a zip the user downloaded, or {@code --real}: Datomic Pro from its official
 * URL, checksum recorded and cached as on Heroku) the real {@code bin/transactor} and peer
 * server run, and a round trip goes through the distribution's own peer library.
 */
public final class DryRun {
  /** Where the distribution comes from. */
  public enum Source { STAND_IN, ZIP, REAL }

  /** What the user asked for. */
  public record Options(Path buildpackDir, Path app, boolean keep, Map<String, String> configVars,
      Source source, Optional<Path> zip, Optional<Path> cache, String dynoType, int transactors,
      int roundTripWaitSeconds) {}

  /** The database the peer server serves and the round trip writes to. */
  static final String DATABASE = "dry-run-db";
  private static final Pattern TOP = Pattern.compile("datomic-(pro|free)-([0-9][0-9.]*)/.*");
  private static final Duration STAND_IN_BOOT = Duration.ofSeconds(60);
  private static final Duration REAL_BOOT = Duration.ofSeconds(240);

  private final Options options;
  private final Log log = Log.system();
  private final List<String> ran = new ArrayList<>();
  private String stage = "the start";

  public DryRun(Options options) {
    this.options = options;
  }

  public int run() throws IOException, InterruptedException {
    Distribution dist = distribution();
    DynoTypes.Type dyno = DynoTypes.of(DynoTypes.Family.PRIVATE).stream()
        .filter(t -> t.name().equals(options.dynoType())).findFirst().orElseThrow();
    opening(dist, dyno);
    // Under TMPDIR when it is set (as mktemp does), else the JVM's temp folder.
    String tmpdir = System.getenv("TMPDIR");
    Path work = tmpdir != null && !tmpdir.isEmpty()
        ? Files.createTempDirectory(Path.of(tmpdir), "datomic-dry-run-")
        : Files.createTempDirectory("datomic-dry-run-");
    int status = 1;
    try {
      status = run(work, dist, dyno);
      return status;
    } catch (UserError e) {
      log.error(e);
      return 1; // a user error, as the CLI exits with one
    } finally {
      closing(dist, status);
      if (options.keep()) {
        log.detail("Kept the build, cache and env folders in " + work);
      } else {
        Trees.delete(work);
      }
    }
  }

  /** The distribution to install: its edition and version, and how it is served. */
  private record Distribution(Source source, String edition, String version, String description) {
    boolean real() {
      return source != Source.STAND_IN;
    }

    /** {@code Datomic Pro 1.0.7622 from PATH}, {@code the download of Datomic Pro}. */
    String name() {
      return switch (source) {
        case STAND_IN -> "the stand-in";
        case ZIP -> description;
        case REAL -> "Datomic Pro from its official download";
      };
    }
  }

  private Distribution distribution() {
    String version = Optional.ofNullable(options.configVars().get("DATOMIC_VERSION"))
        .filter(v -> !v.isBlank())
        .orElse(VersionCatalog.load().defaultVersion(Edition.PRO).toString());
    return switch (options.source()) {
      case STAND_IN -> new Distribution(Source.STAND_IN, "pro", version,
          "a local stand-in for Datomic (bash scripts from test-fixtures/datomic-dist)");
      case ZIP -> {
        String[] top = topFolder(options.zip().orElseThrow());
        yield new Distribution(Source.ZIP, top[0], top[1], "Datomic "
            + (top[0].equals("free") ? "Free " : "Pro ") + top[1] + " from "
            + options.zip().orElseThrow());
      }
      case REAL -> new Distribution(Source.REAL, "pro", version,
          "Datomic Pro downloaded from its official URL (checksum recorded and zip cached in "
              + cacheDir() + ", as a Heroku build cache does)");
    };
  }

  /** {edition, version} of a distribution zip, from its one top folder. */
  static String[] topFolder(Path zip) {
    try (ZipFile file = new ZipFile(zip.toFile())) {
      for (ZipEntry entry : Collections.list(file.entries())) {
        Matcher m = TOP.matcher(entry.getName());
        if (m.matches()) {
          return new String[] {m.group(1), m.group(2).replaceAll("\\.$", "")};
        }
      }
    } catch (IOException e) {
      throw new UserError(Echo.value(zip.toString()) + " is not a zip file.",
          "--datomic-zip takes the Datomic distribution as downloaded, e.g."
              + " datomic-pro-1.0.7622.zip.");
    }
    throw new UserError(Echo.value(zip.toString()) + " is not a Datomic distribution.",
        "A distribution zip holds one folder datomic-pro-VERSION/ (or datomic-free-VERSION/).");
  }

  private Path cacheDir() {
    return options.cache().orElseGet(() -> Path.of(Optional.ofNullable(System.getenv(
        "XDG_CACHE_HOME")).orElse(System.getProperty("user.home") + "/.cache"))
        .resolve("datomic-buildpack/dry-run"));
  }

  private void opening(Distribution dist, DynoTypes.Type dyno) {
    log.step("Dry run: Heroku's build and dynos, played on this machine with "
        + dist.description());
    if (dist.real()) {
      log.detail("The real bin/transactor and peer server run, then a round trip through the"
          + " distribution's own peer library.");
    } else {
      log.detail("The distribution is a stand-in: this run proves the buildpack's part (detect,"
          + " build, the properties");
      log.detail("and arguments handed to Datomic, storage on a real PostgreSQL, the exec), not"
          + " Datomic itself.");
      log.detail("For the real Datomic: ./dry-run --datomic-zip PATH (a zip you downloaded) or"
          + " ./dry-run --real.");
    }
    log.detail("Dynos: " + dyno.described() + " in a Private Space (cgroup memory limit and"
        + " HEROKU_PRIVATE_IP=127.0.0.1 simulated)");
    if (!options.configVars().isEmpty()) {
      log.detail("Config vars from -e/--env-file (in ENV_DIR and every dyno, as heroku"
          + " config:set puts them): " + String.join(", ", options.configVars().keySet()));
    }
  }

  private void closing(Distribution dist, int status) {
    System.out.println();
    if (status == 0) {
      log.step("Dry run complete: " + String.join(", ", ran) + " worked.");
    } else {
      log.step("Dry run stopped at " + stage + " (exit " + status + "); the output above says"
          + " why." + (ran.isEmpty() ? "" : " Worked before it: " + String.join(", ", ran) + "."));
    }
    if (dist.real()) {
      log.detail(status == 0
          ? "This was the buildpack's part and Datomic itself: the real transactor, peer library"
              + " and peer server of " + dist.name() + "."
          : "The Datomic of this run was " + dist.name() + ": what is listed as worked above ran"
              + " for real.");
    } else {
      log.detail("This proved the buildpack's part only: Datomic was a local stand-in. Real"
          + " Datomic: ./dry-run --datomic-zip PATH or ./dry-run --real.");
    }
  }

  private int run(Path work, Distribution dist, DynoTypes.Type dynoType)
      throws IOException, InterruptedException {
    Path build = work.resolve("build");
    Path cache = dist.source() == Source.REAL ? cacheDir() : work.resolve("cache");
    Path envDir = work.resolve("env");
    Files.createDirectories(cache);
    Files.createDirectories(envDir);
    stage = "copying the app";
    Trees.copy(options.app(), build);
    String marker = dist.real() ? "real" : Advice.STAND_IN;

    Map<String, Path> served = new TreeMap<>();
    if (dist.source() == Source.STAND_IN && released(dist.version())) {
      // A stand-in for a version Datomic released; any other 404s, as the real site does.
      Path zip = FakeDistribution.from(options.buildpackDir().resolve("test-fixtures/datomic-dist"))
          .version(dist.version()).jars(40, 256 * 1024)
          .writeTo(work.resolve("datomic-pro-" + dist.version() + ".zip"));
      served.put("/" + dist.version() + "/datomic-pro-" + dist.version() + ".zip", zip);
    }
    try (LoopbackServer server = LoopbackServer.serve(served, "/");
         PostgresServer postgres = PostgresServer.startIfAvailable(log)) {
      Map<String, String> configVars = new LinkedHashMap<>();
      switch (dist.source()) {
        case STAND_IN -> {
          configVars.put("DATOMIC_VERSION", dist.version());
          configVars.put("DATOMIC_DOWNLOAD_URL", server.base()
              + "/{version}/datomic-pro-{version}.zip");
        }
        case ZIP -> {
          configVars.put("DATOMIC_VERSION", dist.version());
          if (dist.edition().equals("free")) {
            configVars.put("DATOMIC_EDITION", "free");
          }
          configVars.put("DATOMIC_DOWNLOAD_URL",
              options.zip().orElseThrow().toAbsolutePath().toUri().toString());
        }
        case REAL -> { } // as on Heroku: the official URL, the version the build chooses
      }
      Map<String, String> dynoEnv = new TreeMap<>();
      dynoEnv.put("HOME", build.toString());
      // The dyno's /tmp (its private runtime folders), deleted with the rest of the run.
      dynoEnv.put("TMPDIR", Files.createDirectories(work.resolve("tmp")).toString());
      Path cgroup = Files.createDirectories(work.resolve("cgroup"));
      Files.writeString(cgroup.resolve("memory.max"), Long.toString(dynoType.megabytes() << 20));
      dynoEnv.put("DATOMIC_BUILDPACK_CGROUP_ROOT", cgroup.toString());
      dynoEnv.put("HEROKU_PRIVATE_IP", "127.0.0.1");
      dynoEnv.put(Advice.DRY_RUN_MARKER, marker);
      if (postgres != null) {
        PostgresServer.Database db = postgres.newDatabase();
        configVars.put("DATABASE_URL", db.url());
        if (!postgres.ssl()) {
          configVars.put("DATOMIC_SQL_SSLMODE", "disable");
        }
        log.step("Started a throwaway PostgreSQL on 127.0.0.1:" + postgres.port()
            + " (DATABASE_URL set as Heroku Postgres would)");
      }
      configVars.put("DATOMIC_PEER_SERVER_DATABASES", DATABASE);
      configVars.put("DATOMIC_PEER_SERVER_ACCESS_KEY", "dry-run-key");
      configVars.put("DATOMIC_PEER_SERVER_SECRET", PostgresServer.randomToken());
      configVars.put("DATOMIC_PEER_SERVER_PORT", Integer.toString(freePort()));
      if (dist.real()) {
        configVars.put("DATOMIC_PEER_SERVER_CREATE_DATABASES", "true");
      }
      // The user's settings last: they win, and an empty one unsets (heroku config:unset).
      options.configVars().forEach((name, value) -> {
        if (value.isEmpty()) {
          configVars.remove(name);
        } else {
          configVars.put(name, value);
        }
      });
      for (Map.Entry<String, String> v : configVars.entrySet()) {
        Files.writeString(envDir.resolve(v.getKey()), v.getValue());
      }
      dynoEnv.putAll(configVars);
      Map<String, String> buildEnv = Map.of(Advice.DRY_RUN_MARKER, marker);

      stage = "bin/detect";
      banner("bin/detect " + rel(work, build));
      int detect = run(List.of(bin("detect"), build.toString()), work, buildEnv);
      if (detect != 0) {
        return detect;
      }
      ran.add("detect");
      stage = "bin/compile";
      banner("bin/compile " + rel(work, build) + " " + rel(work, cache) + " " + rel(work, envDir));
      int compile = run(List.of(bin("compile"), build.toString(), cache.toString(),
          envDir.toString()), work, buildEnv);
      if (compile != 0) {
        return compile;
      }
      ran.add("compile");
      stage = "bin/release";
      banner("bin/release " + rel(work, build));
      int release = run(List.of(bin("release"), build.toString()), work, buildEnv);
      if (release != 0) {
        return release;
      }
      ran.add("release");
      Procfile procfile = Procfile.read(build);
      String releaseCommand = procfile.processes().get(Procfile.RELEASE);
      if (releaseCommand != null) {
        stage = "the release phase";
        Map<String, String> releaseEnv = new TreeMap<>(dynoEnv);
        releaseEnv.put("DYNO", "release.1");
        banner("release: " + releaseCommand + "   (Heroku's release phase)");
        int phase = run(List.of("bash", "-c", releaseCommand), build, releaseEnv);
        if (phase != 0) {
          return phase;
        }
        ran.add("the release phase");
      }
      return dynos(build, procfile, dynoEnv, dist);
    }
  }

  /** The transactor dynos, the round trip (real Datomic), the peer server and its /health. */
  private int dynos(Path build, Procfile procfile, Map<String, String> dynoEnv,
      Distribution dist) throws IOException, InterruptedException {
    String command = procfile.processes().get(Procfile.TRANSACTOR);
    Duration boot = dist.real() ? REAL_BOOT : STAND_IN_BOOT;
    Map<String, ProcfileProcess> started = new LinkedHashMap<>();
    try {
      for (int n = 1; n <= options.transactors(); n++) {
        Map<String, String> env = new TreeMap<>(dynoEnv);
        env.put("DYNO", "transactor." + n);
        if (dist.real() && !options.configVars().containsKey("DATOMIC_PORT")) {
          // Dynos have a network each; here they share one: each transactor its own port.
          env.put("DATOMIC_PORT", Integer.toString(freePort()));
        }
        stage = "transactor." + n + "'s boot";
        banner("transactor: " + command + "   (from the Procfile, as dyno transactor." + n + ")");
        started.put("transactor." + n, start("transactor." + n, command, build, env,
            ProcfileProcess.TRANSACTOR_READY, boot));
        ran.add("transactor." + n + "'s boot" + (dist.real() ? "" : " (stand-in)"));
      }
      boolean postgres = dynoEnv.containsKey("DATABASE_URL");
      if (dist.real()) {
        if (!postgres) {
          log.step("Skipping the round trip through the peer library: it needs Postgres storage");
        } else {
          stage = "the round trip through the peer library";
          roundTrip(build, dynoEnv);
        }
      } else {
        log.step("No round trip through the peer library: the stand-in has none (real Datomic:"
            + " --datomic-zip PATH or --real)");
      }
      String peerCommand = procfile.processes().get(Procfile.PEER_SERVER);
      if (!postgres) {
        log.step("Skipping the peer-server process: it needs Postgres (shared storage)");
      } else if (peerCommand != null) {
        Map<String, String> env = new TreeMap<>(dynoEnv);
        env.put("DYNO", "peer-server.1");
        stage = "the peer server's boot";
        banner("peer-server: " + peerCommand + "   (from the Procfile, as dyno peer-server.1"
            + (dist.real() ? ")" : "; Datomic's bin/run is the stand-in)"));
        started.put("peer server", start("peer server", peerCommand, build, env, "Serving ",
            boot));
        ran.add("the peer server's boot" + (dist.real() ? "" : " (stand-in)"));
        if (dist.real()) {
          stage = "the peer server's /health";
          health(env.get("DATOMIC_PEER_SERVER_PORT"));
        }
      }
    } finally {
      List<String> names = new ArrayList<>(started.keySet());
      Collections.reverse(names);
      for (String name : names) {
        log.step("Stopping the " + name + " with SIGTERM");
        started.get(name).stop(Duration.ofSeconds(30));
      }
    }
    stage = "the end";
    return 0;
  }

  /**
   * Creates {@value #DATABASE}, transacts a datom and reads it back through the distribution's
   * bin/run (its own classpath: the peer library it ships), with the URI the buildpack prints.
   */
  private void roundTrip(Path build, Map<String, String> dynoEnv)
      throws IOException, InterruptedException {
    Map<String, String> env = new TreeMap<>(cleanEnvironment(new TreeMap<>(System.getenv())));
    env.putAll(dynoEnv);
    env.put("DYNO", "run.1");
    ProcessBuilder uriCommand = new ProcessBuilder(".datomic/bin/datomic-buildpack", "peer-uri",
        DATABASE, "--show-password", "--uri-only").directory(build.toFile())
        .redirectErrorStream(true);
    uriCommand.environment().clear();
    uriCommand.environment().putAll(env);
    Process peerUri = uriCommand.start();
    peerUri.getOutputStream().close();
    String uri;
    try (InputStream in = peerUri.getInputStream()) {
      uri = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
    }
    if (peerUri.waitFor() != 0 || !uri.startsWith("datomic:sql://")) {
      throw new UserError("datomic-buildpack peer-uri gave no URI for the round trip.",
          "It printed: " + Echo.value(datomic.buildpack.output.Secrets.maskUrls(uri)));
    }
    Path script = RoundTrip.write(Files.createDirectories(Path.of(dynoEnv.get("TMPDIR"))));
    banner(".datomic/dist/bin/run " + script.getFileName()
        + "   (the distribution's peer library: create " + DATABASE + ", transact, query)");
    ProcessBuilder pb = new ProcessBuilder(".datomic/dist/bin/run", script.toString())
        .directory(build.toFile()).redirectErrorStream(true);
    pb.environment().clear();
    pb.environment().putAll(env);
    pb.environment().put(RoundTrip.URI_VAR, uri);
    pb.environment().put(RoundTrip.WAIT_VAR, Integer.toString(options.roundTripWaitSeconds()));
    Process p = pb.start();
    p.getOutputStream().close();
    StringBuilder output = new StringBuilder();
    Thread reader = new Thread(() -> {
      try (var lines = new java.io.BufferedReader(new java.io.InputStreamReader(
          p.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = lines.readLine()) != null; ) {
          String shown = datomic.buildpack.output.Secrets.maskUrls(line);
          System.out.println(shown);
          output.append(shown).append('\n');
        }
      } catch (IOException e) {
        // it ended
      }
    });
    reader.start();
    long limit = options.roundTripWaitSeconds() + 180L;
    if (!p.waitFor(limit, TimeUnit.SECONDS)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
    reader.join(5000);
    RoundTrip.Result result = RoundTrip.parse(output.toString());
    if (!result.ok()) {
      throw new UserError("The round trip through the distribution's peer library failed: "
              + result.line(),
          "bin/run " + script.getFileName() + " ran on the distribution's own classpath against"
              + " the storage above; its output is above.");
    }
    log.step("Round trip through the peer library: " + (result.created() ? "created "
        : "opened ") + DATABASE + ", transacted a datom and read it back (basis t "
        + result.basisT().orElseThrow() + ")");
    ran.add("the round trip through the peer library (basis t " + result.basisT().orElseThrow()
        + ")");
  }

  /** GET https://127.0.0.1:PORT/health: the peer server's own certificate is self-signed. */
  private void health(String port) throws IOException {
    HttpsURLConnection c = (HttpsURLConnection) new URL("https://127.0.0.1:" + port + "/health")
        .openConnection();
    try {
      SSLContext tls = SSLContext.getInstance("TLS");
      tls.init(null, new TrustManager[] {new X509TrustManager() {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String type) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String type) {}

        @Override
        public X509Certificate[] getAcceptedIssuers() {
          return new X509Certificate[0];
        }
      }}, null);
      c.setSSLSocketFactory(tls.getSocketFactory());
    } catch (java.security.GeneralSecurityException e) {
      throw new IOException(e);
    }
    // Datomic's certificate is the same everywhere and names no host (clients pass
    // :validate-hostnames false); this is loopback only.
    c.setHostnameVerifier((host, session) -> true);
    c.setConnectTimeout(10_000);
    c.setReadTimeout(10_000);
    int code;
    try {
      code = c.getResponseCode();
    } catch (IOException e) {
      throw new UserError("The peer server's /health did not answer: " + e.getMessage(),
          "It printed Serving, but https://127.0.0.1:" + port + "/health could not be read.");
    } finally {
      c.disconnect();
    }
    if (code != 200) {
      throw new UserError("The peer server's /health answered " + code + ", not 200.");
    }
    log.step("The peer server answered https://127.0.0.1:" + port + "/health with 200");
    ran.add("the peer server's /health");
  }

  /** Whether Datomic released {@code version} (as far as this buildpack knows). */
  private static boolean released(String version) {
    try {
      return VersionCatalog.load().isKnown(Edition.PRO, DatomicVersion.of(version));
    } catch (RuntimeException e) {
      return false; // not a version at all: the build says so
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private String bin(String name) {
    return options.buildpackDir().resolve("bin").resolve(name).toString();
  }

  private static String rel(Path work, Path p) {
    return p.startsWith(work) ? "$TMP/" + work.relativize(p) : p.toString();
  }

  private void banner(String text) {
    System.out.println();
    System.out.println("$ " + text);
    System.out.flush();
  }

  private int run(List<String> command, Path dir, Map<String, String> extraEnv)
      throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).inheritIO();
    cleanEnvironment(pb.environment()).putAll(extraEnv);
    return pb.start().waitFor();
  }

  /**
   * Only what a Heroku build or dyno would have: nothing from the developer's shell (a
   * DATABASE_URL or DATOMIC_* var there must not reach this run).
   */
  static Map<String, String> cleanEnvironment(Map<String, String> env) {
    Map<String, String> keep = new TreeMap<>();
    for (String name : List.of("PATH", "HOME", "LANG", "TMPDIR", "JAVA_HOME", "USER")) {
      if (env.containsKey(name)) {
        keep.put(name, env.get(name));
      }
    }
    env.clear();
    env.putAll(keep);
    return env;
  }

  /** Starts a Procfile command as a dyno would and waits for its line starting {@code ready}. */
  private ProcfileProcess start(String name, String command, Path appDir, Map<String, String> env,
      String ready, Duration boot) throws IOException, InterruptedException {
    Map<String, String> processEnv = cleanEnvironment(new TreeMap<>(System.getenv()));
    processEnv.putAll(env);
    ProcfileProcess process = ProcfileProcess.start(appDir, command, processEnv,
        System.out::println, ready);
    ProcfileProcess.Boot result = process.awaitReady(boot);
    if (result != ProcfileProcess.Boot.STARTED) {
      process.close();
      throw new UserError("The " + name + " did not report '" + ready.strip() + "'"
          + (result == ProcfileProcess.Boot.TIMED_OUT ? " within " + boot.toSeconds() + " s."
              : "; it exited."),
          "Its output is above.");
    }
    log.step("The " + name + " is up (pid " + process.pid() + ")");
    return process;
  }
}
