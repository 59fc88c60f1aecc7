package datomic.buildpack.dyno.backup;

import datomic.buildpack.config.Advice;
import datomic.buildpack.config.Environment;
import datomic.buildpack.output.UserError;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The AWS credentials and region {@code bin/datomic} uses for an S3 backup location: the
 * {@code AWS_*} config vars when {@code AWS_ACCESS_KEY_ID} is set, else the Bucketeer add-on's
 * {@code BUCKETEER_AWS_*}. They are handed to Datomic in its environment only, never as an
 * argument, and never shown. Datomic from 1.0.7556 uses AWS SDK v2 and passes no region for S3,
 * so the region is required.
 */
public final class AwsCredentials {
  public static final String BUCKETEER_KEY = "BUCKETEER_AWS_ACCESS_KEY_ID";
  public static final String BUCKETEER_SECRET = "BUCKETEER_AWS_SECRET_ACCESS_KEY";
  public static final String BUCKETEER_REGION = "BUCKETEER_AWS_REGION";
  public static final String BUCKETEER_BUCKET = "BUCKETEER_BUCKET_NAME";
  /** Every variable the child gets set (or removed when absent), so none leaks in from ours. */
  static final String[] CHILD_VARS = {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
      "AWS_SESSION_TOKEN", "AWS_REGION", "AWS_DEFAULT_REGION"};

  private final String keyId;
  private final String secret;
  private final Optional<String> sessionToken;
  private final String region;
  private final String source;
  private final String regionSource;

  private AwsCredentials(String keyId, String secret, Optional<String> sessionToken,
      String region, String source, String regionSource) {
    this.keyId = keyId;
    this.secret = secret;
    this.sessionToken = sessionToken;
    this.region = region;
    this.source = source;
    this.regionSource = regionSource;
  }

  /**
   * The credentials for {@code location} (an S3 one).
   *
   * @throws UserError when none are set, half of a pair is missing, or no region is known
   */
  public static AwsCredentials forS3(Environment env, BackupLocation location) {
    Optional<String> key = env.get("AWS_ACCESS_KEY_ID");
    Optional<String> bucketeerKey = env.get(BUCKETEER_KEY);
    if (key.isPresent()) {
      String secret = env.get("AWS_SECRET_ACCESS_KEY").orElseThrow(() -> new UserError(
          "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not.",
          "Backups to " + location.base() + " need both: "
              + Advice.of(env).configSet("AWS_SECRET_ACCESS_KEY=...")));
      Optional<String> region = env.get("AWS_REGION");
      String regionSource = "AWS_REGION";
      if (region.isEmpty()) {
        region = env.get("AWS_DEFAULT_REGION");
        regionSource = "AWS_DEFAULT_REGION";
      }
      return new AwsCredentials(key.get(), secret, env.get("AWS_SESSION_TOKEN"),
          region.orElseThrow(() -> noRegion(location, "AWS_REGION", Advice.of(env))),
          "config vars AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY"
              + (env.get("AWS_SESSION_TOKEN").isPresent() ? ", AWS_SESSION_TOKEN" : ""),
          regionSource);
    }
    if (bucketeerKey.isPresent()) {
      String secret = env.get(BUCKETEER_SECRET).orElseThrow(() -> new UserError(
          BUCKETEER_KEY + " is set but " + BUCKETEER_SECRET + " is not.",
          "The Bucketeer add-on sets both; check it with: heroku addons:info bucketeer"));
      return new AwsCredentials(bucketeerKey.get(), secret, Optional.empty(),
          env.get(BUCKETEER_REGION).orElseThrow(() -> noRegion(location, BUCKETEER_REGION,
              Advice.of(env))),
          "the Bucketeer add-on (" + BUCKETEER_KEY + ", " + BUCKETEER_SECRET + ")",
          BUCKETEER_REGION);
    }
    throw new UserError("Backups to " + location.base() + " need AWS credentials.",
        "Add the Bucketeer add-on (heroku addons:create bucketeer:hobbyist), which sets them",
        "and a bucket, or set AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_REGION for your",
        "own bucket. For a local run, use DATOMIC_BACKUP_URL=file:/absolute/path.");
  }

  private static UserError noRegion(BackupLocation location, String var, Advice advice) {
    return new UserError("The region of the bucket of " + location.base() + " is not known.",
        "Datomic (1.0.7556 and later) needs it for S3: " + advice.configSet(var, "us-east-1")
            + " (the bucket's region).");
  }

  /** What {@code bin/datomic}'s environment gets: keys, token when set, region under both names. */
  public Map<String, String> environment() {
    Map<String, String> vars = new LinkedHashMap<>();
    vars.put("AWS_ACCESS_KEY_ID", keyId);
    vars.put("AWS_SECRET_ACCESS_KEY", secret);
    sessionToken.ifPresent(t -> vars.put("AWS_SESSION_TOKEN", t));
    vars.put("AWS_REGION", region);
    vars.put("AWS_DEFAULT_REGION", region);
    return vars;
  }

  /** The summary line's text; no secret. */
  public String describe() {
    return "credentials from " + source + ", region " + region + " (" + regionSource
        + "); in bin/datomic's environment only";
  }

  /** The secret values, for masking. */
  String[] secrets() {
    return sessionToken.map(t -> new String[] {secret, t}).orElse(new String[] {secret});
  }
}
