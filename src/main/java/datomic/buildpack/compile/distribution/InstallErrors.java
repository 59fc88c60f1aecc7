package datomic.buildpack.compile.distribution;

import datomic.buildpack.catalog.DatomicVersion;
import datomic.buildpack.catalog.Edition;
import datomic.buildpack.catalog.VersionCatalog;
import datomic.buildpack.compile.distribution.DistributionRequest.Plan;
import datomic.buildpack.compile.distribution.download.DownloadException;
import datomic.buildpack.compile.distribution.download.DownloadPolicy;
import datomic.buildpack.compile.distribution.download.Downloader;
import datomic.buildpack.compile.distribution.zip.ArchiveException;
import datomic.buildpack.output.Secrets;
import datomic.buildpack.output.Units;
import datomic.buildpack.output.UserError;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The errors of an install a person can act on: a failed download or a bad zip, said in words
 * that name the setting to check and what to do, with every secret masked.
 */
final class InstallErrors {
  private static final Pattern TOP = Pattern.compile("datomic-(pro|free)-([0-9.]+)");

  private final VersionCatalog catalog;
  private final DownloadPolicy policy;
  private final Secrets secrets;

  InstallErrors(VersionCatalog catalog, DownloadPolicy policy, Secrets secrets) {
    this.catalog = catalog;
    this.policy = policy;
    this.secrets = secrets;
  }

  UserError downloadError(Plan plan, DownloadException e) {
    String why = mask(e.getMessage());
    String versionAdvice = "Check DATOMIC_VERSION: the " + plan.edition().displayName()
        + " versions this buildpack knows are " + knownSummary(plan.edition()) + ".";
    String urlAdvice = plan.customUrl()
        ? "Check DATOMIC_DOWNLOAD_URL (" + mask(Downloader.display(plan.url())) + ")."
        : versionAdvice;
    UserError error = switch (e.kind()) {
      case UNAUTHORIZED, FORBIDDEN -> {
        List<String> advice = new ArrayList<>();
        advice.add(why + ".");
        if (plan.legacy()) {
          advice.add(plan.name() + " is under a legacy licence: check DATOMIC_LICENSE_USER (your"
              + " my.datomic.com e-mail) and DATOMIC_LICENSE_PASSWORD (the download password"
              + " shown on my.datomic.com, not your login password).");
          advice.add("Or use " + catalog.noCostSince() + " or later, free to download under the"
              + " no-cost licence.");
        } else if (plan.customUrl()) {
          advice.add("If the mirror needs credentials, set DATOMIC_LICENSE_USER and"
              + " DATOMIC_LICENSE_PASSWORD (sent as HTTP basic auth over https), or check that"
              + " DATOMIC_DOWNLOAD_URL is still valid (signed URLs expire).");
        } else {
          advice.add("Versions from " + catalog.noCostSince() + " need no DATOMIC_LICENSE_USER or"
              + " DATOMIC_LICENSE_PASSWORD. The public bucket answers 403 for a version it does"
              + " not have: " + versionAdvice);
        }
        yield new UserError("Access to the Datomic download was refused (HTTP " + e.status()
            + ").", advice.toArray(String[]::new));
      }
      case NOT_FOUND -> new UserError(plan.name() + " was not found (HTTP " + e.status() + ").",
          why + ".", urlAdvice);
      case NETWORK -> new UserError("Could not download " + plan.name() + ".", why + ".",
          "This is usually a passing network or server problem: run the build again.",
          "To build without depending on it, mirror the zip and set DATOMIC_DOWNLOAD_URL"
              + " (https: or file:).");
      case NO_FILE -> new UserError("Could not read the Datomic zip.", why + ".",
          "Check DATOMIC_DOWNLOAD_URL: a file: URL names the zip file itself, as in"
              + " file:///absolute/path/" + plan.top() + ".zip.");
      case TOO_LARGE -> new UserError("The Datomic download is too large.", why + ".",
          urlAdvice);
      case INSECURE -> new UserError("Refused an unsafe redirect of the Datomic download.",
          why + ".", "Use a download URL that stays on https.");
      case CHANGED -> new UserError("The Datomic zip changed while it was being downloaded.",
          why + ".", "Run the build again.");
      case TIMEOUT -> new UserError("Downloading " + plan.name() + " took longer than "
              + DownloadPolicy.TIMEOUT_SETTING + " allows ("
              + Units.shortDuration(policy.deadline()) + ").", capitalize(why) + ".",
          "The server sends too slowly for a build: Heroku stops a whole build at 15 minutes."
              + " Run the build again; if it stays slow, put the zip where Heroku downloads it"
              + " fast (an S3 bucket in the app's region) and set DATOMIC_DOWNLOAD_URL to it,"
              + " or raise " + DownloadPolicy.TIMEOUT_SETTING + " (seconds, up to 3600).");
      case HTTP_STATUS -> new UserError("Could not download " + plan.name() + ".", why + ".",
          urlAdvice);
    };
    return error.withCause(e);
  }

  UserError archiveError(Plan plan, ArchiveException e) {
    String from = mask(Downloader.display(plan.url()));
    String why = mask(e.getMessage());
    UserError error = switch (e.kind()) {
      case TRUNCATED -> new UserError("The Datomic zip from " + from + " is incomplete.",
          capitalize(why) + ".",
          "The download was cut short, or the file itself is. Run the build again; if it"
              + " persists, check the file at DATOMIC_DOWNLOAD_URL (unzip -t tests it).");
      case CORRUPT -> new UserError("The Datomic zip from " + from + " is damaged.",
          capitalize(why) + ".",
          "Run the build again; if it persists, replace the file (unzip -t tests it).");
      case UNSAFE -> new UserError("Refused to unpack the Datomic zip from " + from + ".",
          capitalize(why) + ".",
          "A genuine Datomic zip never holds such an entry; nothing was written outside the"
              + " build. Check where DATOMIC_DOWNLOAD_URL points.");
      case TOO_BIG -> new UserError("Refused to unpack the Datomic zip from " + from + ".",
          capitalize(why) + ".", "Check where DATOMIC_DOWNLOAD_URL points.");
      case WRONG_TOP -> wrongTop(plan, from, e.getMessage());
      case LAYOUT -> new UserError("The zip is not a usable Datomic distribution.", why + ".");
      case NOT_A_ZIP -> new UserError("The download from " + from + " is not a zip.",
          capitalize(why) + ".", plan.customUrl()
              ? "Check DATOMIC_DOWNLOAD_URL: it must lead to the zip itself. A page or an error"
                  + " document in its place usually means the URL needs credentials, has expired"
                  + " (signed URLs do) or is mistyped; curl -sSI on it shows what the server"
                  + " answers."
              : "The download server sent this instead of " + plan.top() + ".zip. Run the build"
                  + " again later, or mirror the zip and set DATOMIC_DOWNLOAD_URL to it.");
    };
    return error.withCause(e);
  }

  private UserError wrongTop(Plan plan, String from, String found) {
    Matcher m = TOP.matcher(found);
    if (m.matches() && DatomicVersion.parse(m.group(2)).isPresent()) {
      return new UserError("The zip holds " + found + ", not " + plan.top() + ".",
          "The zip at " + from + " is Datomic " + m.group(1) + " " + m.group(2) + ".",
          "Set DATOMIC_VERSION=" + m.group(2)
              + (m.group(1).equals(plan.edition().id()) ? "" : " and DATOMIC_EDITION=" + m.group(1))
              + " to install it, or point DATOMIC_DOWNLOAD_URL at " + plan.top() + ".zip.");
    }
    return new UserError("The zip at " + from + " is not a Datomic distribution.",
        "Everything in it should be inside one folder " + plan.top() + "/; found '"
            + mask(clip(found)) + "'.",
        "Check DATOMIC_DOWNLOAD_URL.");
  }

  private String knownSummary(Edition edition) {
    List<String> known = catalog.known(edition);
    return known.size() <= 4 ? String.join(", ", known)
        : known.get(0) + " to " + known.get(known.size() - 1) + " (" + known.size() + " releases)";
  }

  private String mask(String text) {
    return secrets.mask(text == null ? "" : text);
  }

  static String capitalize(String s) {
    return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }

  static String clip(String s) {
    String shown = s.replaceAll("\\p{Cntrl}", "?");
    return shown.length() > 60 ? shown.substring(0, 60) + "..." : shown;
  }
}
