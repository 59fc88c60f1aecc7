package datomic.buildpack.memcached;

import datomic.buildpack.config.Advice;
import datomic.buildpack.config.ConfigRegistry;
import datomic.buildpack.config.Environment;
import datomic.buildpack.config.ValueList;
import datomic.buildpack.config.ValueType;
import datomic.buildpack.output.Echo;
import datomic.buildpack.output.Secrets;
import datomic.buildpack.output.UserError;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;

/**
 * The memcached a Datomic process uses, and where each setting came from: the
 * {@code DATOMIC_MEMCACHED*} config vars, else the MemCachier add-on ({@code MEMCACHIER_SERVERS},
 * {@code MEMCACHIER_USERNAME}, {@code MEMCACHIER_PASSWORD}; a server without a port gets
 * memcached's 11211).
 *
 * <p>Nothing passes from the transactor to peers: the transactor reads properties
 * ({@code memcached}, {@code memcached-username}, {@code memcached-password}), peers and peer
 * servers system properties ({@code datomic.memcachedServers}, ...). This class gives both from
 * the same settings. The password is never shown unless asked for.
 */
public final class Memcached {
  public static final String ADDON_SERVERS = "MEMCACHIER_SERVERS";
  public static final String ADDON_USERNAME = "MEMCACHIER_USERNAME";
  public static final String ADDON_PASSWORD = "MEMCACHIER_PASSWORD";
  public static final String SERVERS_VAR = "DATOMIC_MEMCACHED";
  public static final String USERNAME_VAR = "DATOMIC_MEMCACHED_USERNAME";
  public static final String PASSWORD_VAR = "DATOMIC_MEMCACHED_PASSWORD";
  public static final int DEFAULT_PORT = 11211;
  static final String ADDON = "MemCachier add-on, ";


  /** A setting's value and where it came from (for summaries). */
  public record Sourced(String value, String source) {}

  private final Sourced servers;
  private final Sourced username;
  private final Sourced password;

  private Memcached(Sourced servers, Sourced username, Sourced password) {
    this.servers = servers;
    this.username = username;
    this.password = password;
  }

  /**
   * The MemCachier add-on's settings, as a layer below the {@code DATOMIC_MEMCACHED*} config vars:
   * empty when the add-on is not attached or {@code DATOMIC_MEMCACHED} names other servers (the
   * add-on's credentials would not fit them).
   *
   * @throws UserError when MEMCACHIER_SERVERS is not a list of {@code host[:port]}
   */
  public static Optional<Memcached> fromAddOn(Environment env) {
    Optional<String> raw = env.get(ADDON_SERVERS);
    if (raw.isEmpty() || env.get(SERVERS_VAR).isPresent()) {
      return Optional.empty();
    }
    return Optional.of(new Memcached(
        new Sourced(normalize(raw.get(), ADDON_SERVERS), ADDON + ADDON_SERVERS),
        env.get(ADDON_USERNAME).map(u -> new Sourced(u, ADDON + ADDON_USERNAME)).orElse(null),
        env.get(ADDON_PASSWORD).map(p -> new Sourced(p, ADDON + ADDON_PASSWORD)).orElse(null)));
  }

  /**
   * What a process uses: each {@code DATOMIC_MEMCACHED*} config var set wins, the add-on fills
   * in the rest (unless {@code DATOMIC_MEMCACHED} names other servers). Empty without servers.
   */
  public static Optional<Memcached> resolve(ConfigRegistry registry, Environment env) {
    Optional<Memcached> addOn = fromAddOn(env);
    Optional<String> servers = registry.value(env, SERVERS_VAR);
    Sourced s = servers
        .map(v -> new Sourced(normalize(v, SERVERS_VAR), "config var " + SERVERS_VAR))
        .orElse(addOn.map(a -> a.servers).orElse(null));
    if (s == null) {
      return Optional.empty();
    }
    Sourced u = registry.value(env, USERNAME_VAR).map(v -> new Sourced(v, "config var " + USERNAME_VAR))
        .orElse(addOn.map(a -> a.username).orElse(null));
    Sourced p = registry.value(env, PASSWORD_VAR).map(v -> new Sourced(v, "config var " + PASSWORD_VAR))
        .orElse(addOn.map(a -> a.password).orElse(null));
    return Optional.of(new Memcached(s, u, p));
  }

  /**
   * {@code host:port,host:port} from a comma-separated list (the list rule of {@link ValueList},
   * each host by {@link datomic.buildpack.config.HostName}'s); a server without a port gets
   * {@value #DEFAULT_PORT}.
   */
  static String normalize(String raw, String var) {
    List<String> out = new ArrayList<>();
    for (String part : ValueList.items(raw, ',', (ADDON_SERVERS.equals(var) ? "" : "config var ")
        + var, "memcached server", "mc1.example.com:11211,mc2.example.com")) {
      Optional<String> problem = ValueType.serverProblem(part);
      if (problem.isPresent()) {
        throw new UserError(var + " is not a list of memcached servers: '" + Echo.value(part)
                + "': " + problem.get() + ".",
            "Expected host or host:port, separated by commas (e.g. mc1.example.com:11211).",
            ADDON_SERVERS.equals(var)
                ? "MemCachier sets it; if you set it by hand, fix it: "
                    + Advice.system().configSet(var + "=...")
                : "Fix it: " + Advice.system().configSet(var + "=..."));
      }
      Matcher m = ValueType.SERVER.matcher(part);
      if (!m.matches()) {
        throw new IllegalStateException("serverProblem passed " + part);
      }
      out.add(m.group(1) + ":" + (m.group(2) == null ? DEFAULT_PORT : Integer.parseInt(m.group(2))));
    }
    return String.join(",", out);
  }

  public Sourced servers() {
    return servers;
  }

  public Optional<Sourced> username() {
    return Optional.ofNullable(username);
  }

  /** The password and its source. Never log the value. */
  public Optional<Sourced> password() {
    return Optional.ofNullable(password);
  }

  /** {@code memcached}, {@code memcached-username}, {@code memcached-password} with sources. */
  public Map<String, Sourced> transactorProperties() {
    Map<String, Sourced> props = new LinkedHashMap<>();
    props.put("memcached", servers);
    username().ifPresent(u -> props.put("memcached-username", u));
    password().ifPresent(p -> props.put("memcached-password", p));
    return props;
  }

  /** The system properties a peer or peer server needs for this cache (password included). */
  public Map<String, String> peerSystemProperties() {
    Map<String, String> props = new LinkedHashMap<>();
    props.put("datomic.memcachedServers", servers.value());
    username().ifPresent(u -> props.put("datomic.memcachedUsername", u.value()));
    password().ifPresent(p -> props.put("datomic.memcachedPassword", p.value()));
    return props;
  }

  /** {@code -Ddatomic.memcachedServers=...} and the rest; the password masked unless revealed. */
  public List<String> peerJvmOptions(boolean revealPassword) {
    List<String> options = new ArrayList<>();
    peerSystemProperties().forEach((k, v) -> options.add("-D" + k + "="
        + (k.equals("datomic.memcachedPassword") && !revealPassword ? Secrets.MASK : v)));
    return options;
  }

  /** Where the servers (and so the credentials that go with them) came from. */
  public String summarySource() {
    return servers.source();
  }

  /** The boot summary's line: servers and where they came from; the password never. */
  public String summary() {
    return "memcached " + servers.value() + " (" + servers.source() + ")"
        + username().map(u -> ", SASL user " + u.value()).orElse("")
        + password().map(p -> ", password ********").orElse("");
  }
}
