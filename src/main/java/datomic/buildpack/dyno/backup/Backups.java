package datomic.buildpack.dyno.backup;

import datomic.buildpack.config.Advice;
import datomic.buildpack.config.ConfigRegistry;
import datomic.buildpack.config.Environment;
import datomic.buildpack.config.ValueList;
import datomic.buildpack.config.ValueType;
import datomic.buildpack.dyno.BootContext;
import datomic.buildpack.dyno.BootSummary;
import datomic.buildpack.dyno.DynoMemory;
import datomic.buildpack.dyno.DynoNetwork;
import datomic.buildpack.dyno.Heap;
import datomic.buildpack.dyno.PeerStorage;
import datomic.buildpack.dyno.RuntimeDir;
import datomic.buildpack.dyno.Size;
import datomic.buildpack.output.Log;
import datomic.buildpack.output.Secrets;
import datomic.buildpack.output.Units;
import datomic.buildpack.output.UserError;
import datomic.buildpack.slug.BuildInfo;
import datomic.buildpack.slug.SlugLayout;
import datomic.buildpack.storage.PostgresUrl;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Backups of the app's Datomic databases with the distribution's {@code bin/datomic}: back up,
 * list, verify and restore. Each database has a location of its own below
 * {@code DATOMIC_BACKUP_URL} ({@code .../NAME}); S3 credentials come from the Bucketeer add-on or
 * the {@code AWS_*} config vars, in bin/datomic's environment only; the storage password from a
 * 0600 {@code PGPASSFILE}; the heap from the dyno. Repeat backups to a location copy only new
 * segments. A restore runs only off the transactor's dynos, with {@code --confirm APP}, and
 * prints Datomic's procedure (stop peers and transactors, restore, start them again).
 */
public final class Backups {
  public static final String URL_SETTING = "DATOMIC_BACKUP_URL";
  public static final String DATABASES_SETTING = "DATOMIC_BACKUP_DATABASES";
  /** Declared by the peer server (read directly: it may not be declared on every branch). */
  public static final String PEER_SERVER_DATABASES = "DATOMIC_PEER_SERVER_DATABASES";
  public static final String XMX_SETTING = "DATOMIC_BACKUP_XMX";
  /** The prefix below the Bucketeer bucket when DATOMIC_BACKUP_URL is not set. */
  public static final String BUCKETEER_PREFIX = "datomic-backups";
  /** What this command's own JVM keeps of the dyno while bin/datomic runs beside it. */
  static final long OWN_JVM_MB = 160;
  /** How long bin/datomic has to end after a TERM when this command is stopped, before a KILL. */
  static final Duration STOP_GRACE = Duration.ofSeconds(10);
  private static final Pattern NAME = ValueType.DATABASE_NAME;
  private static final Pattern TRANSACTOR_DYNO = Pattern.compile("transactor\\.\\d+");
  private static final Pattern T_LIST = Pattern.compile("[\\s\\[\\](),0-9]*[0-9][\\s\\[\\](),0-9]*");
  private static final Pattern NUMBER = Pattern.compile("[0-9]+");

  private final BootContext boot;
  private final ConfigRegistry registry;
  private final Environment env;
  private final SlugLayout slug;
  private final Optional<DynoMemory> dyno;
  private final Log log;
  private final PrintStream out;

  public Backups(BootContext boot) {
    this.boot = boot;
    this.registry = boot.registry();
    this.env = boot.env();
    this.slug = boot.slug();
    this.dyno = Optional.of(boot.memory());
    this.log = boot.log();
    this.out = log.out();
  }

  /** What every operation needs, decided and summarised once. */
  private final class Setup implements AutoCloseable {
    final BuildInfo build;
    final PostgresUrl url;
    final BackupLocation location;
    final Optional<AwsCredentials> aws;
    final Heap heap;
    final PeerStorage storage;
    final DatomicTool tool;
    /** This run's private folder (the pgpass file), deleted when it ends, however it ends. */
    final RuntimeDir runtime;
    /** Runs when the JVM shuts down before {@link #close}: a TERM, INT or HUP. */
    final Thread onSignal;

    Setup(String what) {
      boot.checkEnvironment();
      build = BuildInfo.read(slug);
      Path datomic = slug.distDir().resolve("bin/datomic");
      if (!Files.isExecutable(datomic)) {
        throw new UserError("This Datomic distribution has no bin/datomic.",
            "Backups need Datomic Pro's bin/datomic; check DATOMIC_VERSION and push again.");
      }
      url = boot.requirePostgres("datomic-buildpack " + what);
      location = location();
      aws = location.s3() ? Optional.of(AwsCredentials.forS3(env, location)) : Optional.empty();
      heap = heap(what);
      runtime = RuntimeDir.forCommand(env, "backup", slug.appDir());
      onSignal = new Thread(() -> stopped(what), "datomic-buildpack " + what + " stopped");
      Runtime.getRuntime().addShutdownHook(onSignal);
      try {
        storage = PeerStorage.prepare(url, slug.distDir(), runtime);
        Secrets secrets = registry.secrets(env);
        url.password().ifPresent(secrets::add);
        aws.ifPresent(a -> {
          for (String s : a.secrets()) {
            secrets.add(s);
          }
        });
        Map<String, String> extra = new LinkedHashMap<>(storage.environment());
        aws.ifPresent(a -> extra.putAll(a.environment()));
        tool = new DatomicTool(datomic, slug.appDir(), env.asMap(), extra, secrets, out);
      } catch (RuntimeException e) {
        close();
        throw e;
      }

      log.step("Datomic " + build.displayEdition() + " " + build.version() + " " + what
          + env.get("DYNO").map(d -> " on " + d).orElse(""));
      log.detail(BootSummary.line("storage", "Postgres " + url.host() + ":" + url.port() + "/"
          + url.database() + " as " + url.user(), "config var " + url.source()));
      log.detail(storage.passwordSummary());
      log.detail(BootSummary.line("backups", location.base() + "/NAME", location.source()));
      aws.ifPresent(a -> log.detail(BootSummary.line("aws", a.describe(), "S3")));
      log.detail(BootSummary.line("heap", heap.xmx() + " " + heap.xms(), heap.source()));
      registry.value(env, "DATOMIC_XMX").map(Size::megabytes)
          .filter(transactor -> transactor > heap.megabytes())
          .ifPresent(transactor -> log.warning("This " + what + " gets a smaller heap ("
                  + Size.format(heap.megabytes()) + ") than the transactor ("
                  + Size.format(transactor) + ", DATOMIC_XMX).",
              "Datomic advises giving backups and restores at least the transactor's heap:",
              boot.advice().dynoFor(null, transactor + Heap.MIN_NON_HEAP_MB + OWN_JVM_MB)
                  .map(c -> "run it on a larger dyno (" + c + ") or set " + XMX_SETTING + ".")
                  .orElse("set " + XMX_SETTING + ".")));
    }

    /** {@code -Xmx.. -Xms..} before bin/datomic's command. */
    List<String> jvm() {
      return List.of(heap.xmx(), heap.xms());
    }

    /**
     * The shutdown hook's work when a signal stops this command (the slug's launcher passes
     * TERM, INT and HUP on to it): stop bin/datomic and what it started, delete the private
     * folder, and say so. A KILL leaves both; the next process on the dyno deletes the folder
     * ({@link RuntimeDir#forCommand}, {@link RuntimeDir#forBoot}).
     */
    private void stopped(String what) {
      Optional<Long> child = tool == null ? Optional.empty() : tool.stop(STOP_GRACE);
      deleteFolder();
      log.warning("Stopped by a signal: this " + what + " did not finish.",
          child.map(pid -> "bin/datomic (pid " + pid + ") was stopped; ").orElse("")
              + "its private files (the storage password) are deleted.",
          "Run it again: datomic-buildpack " + what + " ...");
    }

    private void deleteFolder() {
      try {
        runtime.delete();
      } catch (IOException e) {
        log.detail("Could not delete " + runtime.path() + ": " + e.getMessage());
      }
    }

    @Override
    public void close() {
      // The password file is for this command's bin/datomic runs only, in a folder of its own.
      try {
        Runtime.getRuntime().removeShutdownHook(onSignal);
      } catch (IllegalStateException shuttingDown) {
        return; // the hook is running: it stops bin/datomic and deletes the folder
      }
      deleteFolder();
    }
  }

  private BackupLocation location() {
    Optional<String> set = registry.value(env, URL_SETTING);
    BackupLocation location;
    if (set.isPresent()) {
      location = BackupLocation.parse(set.get(), "config var " + URL_SETTING);
    } else if (env.get(AwsCredentials.BUCKETEER_BUCKET).isPresent()) {
      location = BackupLocation.parse("s3://" + env.get(AwsCredentials.BUCKETEER_BUCKET).get()
          + "/" + BUCKETEER_PREFIX, "the Bucketeer add-on's bucket ("
          + AwsCredentials.BUCKETEER_BUCKET + ")");
    } else {
      throw new UserError("No backup location: " + URL_SETTING + " is not set.",
          "Add the Bucketeer add-on (heroku addons:create bucketeer:hobbyist): backups then go to",
          "s3://<its bucket>/" + BUCKETEER_PREFIX + "/NAME. Or set your own bucket:",
          boot.advice().configSetAll(URL_SETTING + "=s3://my-bucket/datomic",
              "AWS_ACCESS_KEY_ID=...", "AWS_SECRET_ACCESS_KEY=...", "AWS_REGION=..."));
    }
    Optional<String> bucketeer = env.get(AwsCredentials.BUCKETEER_BUCKET);
    if (location.bucket().isPresent() && location.bucket().equals(bucketeer)
        && (location.prefix().equals("public") || location.prefix().startsWith("public/"))) {
      throw new UserError("Backups may not go to " + location.base() + ": Bucketeer makes"
              + " everything below public/ readable by anyone.",
          "Use another prefix, e.g. " + boot.advice().configSet(URL_SETTING, "s3://"
              + location.bucket().get() + "/" + BUCKETEER_PREFIX));
    }
    return location;
  }

  /**
   * The release phase's checks of backups, when this app configures them ({@code
   * DATOMIC_BACKUP_*} set): the location, the default database list and the heap setting, as a
   * backup reads them. Returns what was checked, or empty when backups are not configured.
   */
  public Optional<String> releaseChecks() {
    boolean configured = env.asMap().keySet().stream()
        .anyMatch(name -> name.startsWith("DATOMIC_BACKUP_"));
    if (!configured) {
      return Optional.empty();
    }
    location();
    if (registry.value(env, DATABASES_SETTING).isPresent()) {
      databases(List.of());
    }
    Heap.decide(registry, env, new Heap.Owner("backup", XMX_SETTING, null, OWN_JVM_MB,
        "this command's JVM"), Optional.empty());
    return Optional.of("the backup settings (DATOMIC_BACKUP_*)");
  }

  private Heap heap(String what) {
    // This command's JVM stays beside bin/datomic (it runs one database after another).
    Heap.Owner owner = new Heap.Owner(what, XMX_SETTING, null, OWN_JVM_MB, "this command's JVM");
    return Heap.decide(registry, env, owner, dyno).orElse(new Heap(1024, "Datomic's default"));
  }

  /** Names from the command line, else DATOMIC_BACKUP_DATABASES, else the peer server's. */
  List<String> databases(List<String> given) {
    List<String> names = given;
    String source = "the command line";
    if (names.isEmpty()) {
      Optional<String> list = registry.value(env, DATABASES_SETTING);
      source = "config var " + DATABASES_SETTING;
      if (list.isEmpty()) {
        list = env.get(PEER_SERVER_DATABASES);
        source = "config var " + PEER_SERVER_DATABASES;
      }
      if (list.isEmpty()) {
        throw new UserError("Which databases? None given, and " + DATABASES_SETTING + " is not"
                + " set.",
            "Name them: datomic-buildpack backup my-db other-db, or set the default list:",
            boot.advice().configSet(DATABASES_SETTING, "my-db,other-db"));
      }
      names = ValueList.items(list.get(), ',', source, "database name", "db-1,db-2");
    }
    Set<String> unique = new LinkedHashSet<>();
    for (String name : names) {
      check(name, source);
      unique.add(name);
    }
    return List.copyOf(unique);
  }

  static void check(String name, String source) {
    if (!NAME.matcher(name).matches()) {
      throw new UserError("'" + name + "' (from " + source + ") is not a Datomic database name.",
          "Database names use letters, digits and hyphens only (e.g. my-app-db).");
    }
  }

  /** {@code datomic-buildpack backup [NAME...]}: one backup-db per database, in turn. */
  public int backup(List<String> given) {
    List<String> names = databases(given);
    try (Setup s = new Setup("backup")) {
      boot.reachPostgres(s.url);
      log.detail(BootSummary.line("databases", String.join(", ", names), given.isEmpty()
          ? (registry.value(env, DATABASES_SETTING).isPresent() ? "config var "
              + DATABASES_SETTING : "config var " + PEER_SERVER_DATABASES) : "command line"));
      if (!s.location.s3() && env.get("DYNO").isPresent()) {
        log.warning("The backups go to this dyno's own disk (" + s.location.base() + "),"
                + " discarded when the dyno ends.",
            "A file: location is for a local run. On Heroku, back up to S3:",
            "heroku addons:create bucketeer:hobbyist, or " + boot.advice().configSetAll(URL_SETTING
                + "=s3://my-bucket/datomic", "AWS_ACCESS_KEY_ID=...",
                "AWS_SECRET_ACCESS_KEY=...", "AWS_REGION=..."));
      }
      List<String> failed = new ArrayList<>();
      for (String name : names) {
        String to = s.location.forDatabase(name);
        log.step("Backing up " + name + " to " + to);
        long start = System.nanoTime();
        List<String> args = new ArrayList<>(s.jvm());
        args.addAll(List.of("backup-db", s.storage.uri(name), to));
        DatomicTool.Result r = s.tool.run(args);
        String took = Units.seconds(Duration.ofNanos(System.nanoTime() - start));
        if (r.ok()) {
          log.detail(name + ": backed up in " + took + ". Repeat backups to " + to
              + " copy only the segments that are new since the last one.");
        } else {
          failed.add(name);
          log.warning("The backup of " + name + " failed (bin/datomic exited with " + r.exitCode()
              + "); its output is above.");
        }
      }
      if (!failed.isEmpty()) {
        throw new UserError(failed.size() + " of " + names.size() + " backups failed: "
                + String.join(", ", failed) + ".",
            "bin/datomic's output above says why. A database that does not exist says 'Could not"
                + " find ... in catalog';",
            "a location already used by another database says ':backup/claim-failed'.");
      }
      log.step("Backed up " + String.join(", ", names));
      return 0;
    }
  }

  /** {@code datomic-buildpack list-backups NAME}: the points in time t a restore can use. */
  public int listBackups(String name) {
    check(name, "the command line");
    try (Setup s = new Setup("list-backups")) {
      return list(s, name).exitCode();
    }
  }

  private DatomicTool.Result list(Setup s, String name) {
    String from = s.location.forDatabase(name);
    log.step("Backups of " + name + " at " + from + " (points in time t):");
    return s.tool.run(List.of("list-backups", from));
  }

  /** {@code datomic-buildpack verify-backup NAME [T]}: T defaults to the newest backup's. */
  public int verify(String name, Optional<String> t, boolean readAll) {
    check(name, "the command line");
    Optional<Long> point = t.map(Backups::point);
    try (Setup s = new Setup("verify-backup")) {
      if (point.isEmpty()) {
        DatomicTool.Result listed = list(s, name);
        if (!listed.ok()) {
          throw new UserError("Could not list the backups of " + name + " (bin/datomic exited"
              + " with " + listed.exitCode() + ").", "Its output is above.");
        }
        point = newest(listed.lines());
        if (point.isEmpty()) {
          throw new UserError("There is no backup of " + name + " at "
                  + s.location.forDatabase(name) + ".",
              "Back it up first: datomic-buildpack backup " + name);
        }
      }
      String from = s.location.forDatabase(name);
      log.step("Verifying the backup of " + name + " at t " + point.get()
          + (readAll ? ", reading every segment" : " (--read-all reads every segment)"));
      List<String> args = new ArrayList<>(s.jvm());
      args.addAll(List.of("verify-backup", from, Boolean.toString(readAll),
          Long.toString(point.get())));
      DatomicTool.Result r = s.tool.run(args);
      if (!r.ok()) {
        throw new UserError("The backup of " + name + " at t " + point.get() + " did not verify"
                + " (bin/datomic exited with " + r.exitCode() + ").",
            "Its output is above; exit 1 means segments are missing. Take a new backup:"
                + " datomic-buildpack backup " + name);
      }
      log.step("The backup of " + name + " at t " + point.get() + " is complete");
      return 0;
    }
  }

  /** The largest t that list-backups printed, from the lines that hold only numbers. */
  static Optional<Long> newest(List<String> lines) {
    Optional<Long> max = Optional.empty();
    for (String line : lines) {
      if (!T_LIST.matcher(line).matches()) {
        continue;
      }
      Matcher m = NUMBER.matcher(line);
      while (m.find()) {
        long t = Long.parseLong(m.group());
        if (max.isEmpty() || t > max.get()) {
          max = Optional.of(t);
        }
      }
    }
    return max;
  }

  static long point(String t) {
    if (!NUMBER.matcher(t).matches() || t.length() > 18) {
      throw new UserError("'" + t + "' is not a point in time t.",
          "t is a whole number, as list-backups prints them: datomic-buildpack list-backups NAME");
    }
    return Long.parseLong(t);
  }

  /** {@code datomic-buildpack restore NAME [T] --confirm APP}. */
  public int restore(String name, Optional<String> t, Optional<String> confirm) {
    check(name, "the command line");
    Optional<Long> point = t.map(Backups::point);
    Optional<String> dynoName = env.get("DYNO");
    Optional<String> app = DynoNetwork.appName(env);
    String shownApp = app.orElse("<app>");
    List<String> procedure = procedure(shownApp, name, t, boot.advice());
    if (dynoName.isPresent() && TRANSACTOR_DYNO.matcher(dynoName.get()).matches()) {
      throw new UserError("restore does not run on a transactor dyno (" + dynoName.get() + ").",
          procedure.toArray(String[]::new));
    }
    if (confirm.isEmpty()) {
      List<String> advice = new ArrayList<>(procedure);
      advice.add(0, "A restore replaces database " + name + " in this app's storage; it needs"
          + " --confirm " + shownApp + ".");
      throw new UserError("restore needs --confirm " + shownApp + ".",
          advice.toArray(String[]::new));
    }
    if (app.isEmpty()) {
      throw new UserError("This dyno does not know its app's name, so --confirm cannot be"
              + " checked.",
          "Turn on dyno metadata (it sets HEROKU_APP_NAME), then run the restore again:",
          "  heroku labs:enable runtime-dyno-metadata -a " + confirm.get());
    }
    if (!confirm.get().equals(app.get())) {
      throw new UserError("--confirm " + confirm.get() + " does not match this app ("
          + app.get() + ").", procedure.toArray(String[]::new));
    }
    try (Setup s = new Setup("restore")) {
      boot.reachPostgres(s.url);
      String from = s.location.forDatabase(name);
      log.step("Restoring " + name + " from " + from + point.map(p -> " at t " + p).orElse(
          " (the newest backup)"));
      log.detail("Every peer and transactor must be stopped now (Datomic's procedure):");
      procedure.forEach(log::detail);
      List<String> args = new ArrayList<>(s.jvm());
      args.addAll(List.of("restore-db", from, s.storage.uri(name)));
      point.ifPresent(p -> args.add(Long.toString(p)));
      DatomicTool.Result r = s.tool.run(args);
      if (!r.ok()) {
        throw new UserError("The restore of " + name + " failed (bin/datomic exited with "
                + r.exitCode() + ").",
            "Its output is above. ':restore/collision' means another database of that name is"
                + " in storage;",
            "restore into a fresh app (see the buildpack's docs/backups.md) or under its own"
                + " name.");
      }
      log.step("Restored " + name + ". Start the transactor and peers again:");
      if (boot.advice().local()) {
        log.detail("heroku local transactor (and the peer processes)");
      } else {
        log.detail("heroku ps:scale transactor=1 -a " + shownApp + "   (2 with a standby)");
        log.detail("then the peer apps: heroku ps:scale web=N worker=N -a <peer app>");
      }
      return 0;
    }
  }

  /** Datomic's restore procedure, with this app's heroku commands (heroku local's, locally). */
  static List<String> procedure(String app, String name, Optional<String> t, Advice advice) {
    if (advice.local()) {
      return List.of(
          "Datomic's procedure: stop every peer and transactor, restore, then start them again.",
          "  1. stop the transactor, peer-server and console processes and the peers",
          "  2. datomic-buildpack restore " + name + t.map(x -> " " + x).orElse("")
              + " --confirm " + app,
          "  3. heroku local transactor, then the peers again");
    }
    return List.of(
        "Datomic's procedure: stop every peer and transactor, restore, then start them again.",
        "  1. heroku ps:scale transactor=0 console=0 -a " + app
            + "   (and peer-server=0, if you run one)",
        "     heroku ps:scale web=0 worker=0 -a <each peer app>",
        "  2. heroku run -a " + app + " 'datomic-buildpack restore " + name
            + t.map(x -> " " + x).orElse("") + " --confirm " + app + "'",
        "  3. heroku ps:scale transactor=1 -a " + app + "   (2 with a standby), then the peer"
            + " apps again");
  }
}
