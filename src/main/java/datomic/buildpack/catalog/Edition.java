package datomic.buildpack.catalog;

import java.util.Locale;
import java.util.Optional;

/** The Datomic editions the buildpack installs ({@code DATOMIC_EDITION}). */
public enum Edition {
  PRO("pro", "Datomic Pro"),
  FREE("free", "Datomic Free");

  private final String id;
  private final String displayName;

  Edition(String id, String displayName) {
    this.id = id;
    this.displayName = displayName;
  }

  public static Optional<Edition> parse(String text) {
    for (Edition e : values()) {
      if (e.id.equals(text == null ? "" : text.strip().toLowerCase(Locale.ROOT))) {
        return Optional.of(e);
      }
    }
    return Optional.empty();
  }

  /** {@code pro} or {@code free}, as in the zip's file and folder names. */
  public String id() {
    return id;
  }

  public String displayName() {
    return displayName;
  }

  /** The zip's single top folder, e.g. {@code datomic-pro-1.0.7622}. */
  public String topFolder(DatomicVersion version) {
    return "datomic-" + id + "-" + version;
  }
}
