package datomic.buildpack.config;

import datomic.buildpack.files.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Heroku's dyno types and their memory, read from {@code dyno-types.json} (dated there): the one
 * place advice takes a dyno type from. Each family is what one kind of app can use: {@code
 * private-*} in a Private Space, {@code shield-*} in a Shield space, {@code standard-*} and
 * {@code performance-*} in the Common Runtime.
 */
public final class DynoTypes {
  private static final String RESOURCE = "/datomic/buildpack/dyno-types.json";

  /** Where an app runs decides which dyno types it can use. */
  public enum Family {
    COMMON_RUNTIME("common-runtime"), PRIVATE("private"), SHIELD("shield");

    private final String id;

    Family(String id) {
      this.id = id;
    }

    static Family of(String id) {
      for (Family f : values()) {
        if (f.id.equals(id)) {
          return f;
        }
      }
      throw new IllegalArgumentException("unknown dyno family: " + id);
    }
  }

  /** A dyno type: its name ({@code private-m}) and memory in MB. */
  public static final class Type {
    private final String name;
    private final Family family;
    private final long megabytes;

    Type(String name, Family family, long megabytes) {
      this.name = name;
      this.family = family;
      this.megabytes = megabytes;
    }

    public String name() {
      return name;
    }

    public Family family() {
      return family;
    }

    public long megabytes() {
      return megabytes;
    }

    /** {@code private-m (2.5 GB)}. */
    public String described() {
      return name + " (" + memory(megabytes) + ")";
    }

    /** The same size in {@code family} ({@code private-m} to {@code shield-m}). */
    public Optional<Type> in(Family other) {
      int dash = name.indexOf('-');
      String size = name.substring(dash + 1);
      return types().stream().filter(t -> t.family == other && t.megabytes == megabytes
          && t.name.substring(t.name.indexOf('-') + 1).equals(size)).findFirst();
    }
  }

  private DynoTypes() {}

  /** {@code 512 MB}, {@code 1 GB}, {@code 2.5 GB}, {@code 126 GB}. */
  public static String memory(long megabytes) {
    if (megabytes < 1024) {
      return megabytes + " MB";
    }
    double gb = megabytes / 1024.0;
    return (gb == Math.rint(gb) ? Long.toString((long) gb) : String.format(Locale.ROOT, "%.1f", gb))
        + " GB";
  }

  /** Every type of {@code family}, smallest first. */
  public static List<Type> of(Family family) {
    return types().stream().filter(t -> t.family == family).toList();
  }

  /** The smallest type of {@code family} with at least {@code megabytes}; empty when none has. */
  public static Optional<Type> smallestWith(Family family, long megabytes) {
    return of(family).stream().filter(t -> t.megabytes >= megabytes).findFirst();
  }

  /** The type of {@code family} with the most memory. */
  public static Type largest(Family family) {
    List<Type> all = of(family);
    return all.get(all.size() - 1);
  }

  /** The smallest type of {@code family}. */
  public static Type smallest(Family family) {
    return of(family).get(0);
  }

  /** When the table was checked ({@code 2026-12}). */
  public static String asOf() {
    return Holder.AS_OF;
  }

  private static List<Type> types() {
    return Holder.TYPES;
  }

  private static final class Holder {
    static final List<Type> TYPES;
    static final String AS_OF;

    static {
      try (InputStream in = DynoTypes.class.getResourceAsStream(RESOURCE)) {
        Map<String, Object> json = Json.read(in);
        List<Type> types = new ArrayList<>();
        for (Map<String, Object> t : Json.objects(json, "types")) {
          types.add(new Type(Json.string(t, "type"), Family.of(Json.string(t, "family")),
              Json.integer(t, "mb")));
        }
        types.sort((a, b) -> Long.compare(a.megabytes, b.megabytes));
        TYPES = List.copyOf(types);
        AS_OF = Json.string(json, "asOf");
      } catch (IOException e) {
        throw new UncheckedIOException("dyno-types.json is unreadable", e);
      }
    }
  }
}
