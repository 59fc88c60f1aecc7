package datomic.buildpack.dyno;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import datomic.buildpack.config.ConfigRegistry;
import datomic.buildpack.config.ConfigVar;
import datomic.buildpack.config.Environment;
import datomic.buildpack.config.HostName;
import datomic.buildpack.config.ValueType;
import datomic.buildpack.output.Log;
import datomic.buildpack.output.UserError;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * One host rule ({@link HostName}) for every address a process reads: the host config vars of
 * the registry, what the platform sets ({@code HEROKU_PRIVATE_IP}, {@code HEROKU_DNS_DYNO_NAME})
 * for the transactor and the peer server alike, and memcached servers.
 */
class HostRuleTest {
  static final ConfigRegistry REGISTRY = ConfigRegistry.load();
  static final List<String> NOT_HOSTS = List.of("-d", "-h", "10.0.0.7 -d", "a b", "host;rm",
      "10.0.0.256", "10.0.0", "[::1", "::1::2", "a..b", ".a", "a-.b", "x_y.example.com",
      "1:2:3:4:5:6:7:8:9", "h/x", "a".repeat(64) + ".com");
  final Log log = new Log(new PrintStream(new ByteArrayOutputStream()),
      new PrintStream(new ByteArrayOutputStream()));

  @ParameterizedTest
  @ValueSource(strings = {"10.0.0.7", "0.0.0.0", "localhost", "1.peer-server.my-app.app.localspace",
      "db-1.example.com", "::1", "[::1]", "fd00::7", "fe80::1:2:3:4", "::ffff:10.0.0.1",
      "1:2:3:4:5:6:7:8", "xn--bcher-kva.example"})
  void hostsAndAddressesPass(String host) {
    assertEquals(Optional.empty(), HostName.problem(host));
  }

  @Test
  void everyHostVarOfTheRegistryRefusesWhatIsNotAHost() {
    int hosts = 0;
    for (ConfigVar var : REGISTRY.vars()) {
      if (var.type() != ValueType.HOST) {
        continue;
      }
      hosts++;
      for (String bad : NOT_HOSTS) {
        assertThrows(UserError.class,
            () -> REGISTRY.validate(Environment.of(Map.of(var.name(), bad)), log),
            var.name() + "='" + bad + "'");
      }
    }
    assertEquals(4, hosts, "DATOMIC_HOST, DATOMIC_ALT_HOST, DATOMIC_PING_HOST,"
        + " DATOMIC_PEER_SERVER_HOST");
  }

  /** The transactor (detect) and the peer server (address) read the platform's values alike. */
  @Test
  void thePlatformsAddressesAreCheckedForEveryProcess() {
    for (String bad : NOT_HOSTS) {
      Environment privateIp = Environment.of(Map.of("HEROKU_PRIVATE_IP", bad));
      UserError transactor = assertThrows(UserError.class, () -> DynoNetwork.detect(privateIp),
          bad);
      assertTrue(transactor.summary().startsWith("HEROKU_PRIVATE_IP is not usable as this dyno's"
          + " address: "), transactor.summary());
      assertTrue(String.join("\n", transactor.advice()).contains(
          "heroku config:set DATOMIC_HOST=<address>"), transactor.advice().toString());
      UserError peerServer = assertThrows(UserError.class,
          () -> DynoNetwork.address(privateIp, "DATOMIC_PEER_SERVER_HOST"), bad);
      assertTrue(String.join("\n", peerServer.advice()).contains(
          "heroku config:set DATOMIC_PEER_SERVER_HOST=<address>"), peerServer.advice().toString());
      assertThrows(UserError.class, () -> DynoNetwork.address(
          Environment.of(Map.of("DATOMIC_PEER_SERVER_HOST", bad)), "DATOMIC_PEER_SERVER_HOST"),
          bad);
      assertThrows(UserError.class, () -> DynoNetwork.detect(Environment.of(Map.of(
          "HEROKU_PRIVATE_IP", "10.0.0.7", "HEROKU_DNS_DYNO_NAME", bad))), bad);
    }
    UserError name = assertThrows(UserError.class, () -> DynoNetwork.detect(
        Environment.of(Map.of("HEROKU_PRIVATE_IP", "ip-10-0-0-7.internal"))));
    assertTrue(name.summary().contains("it is a host name, not an IP address"), name.summary());
    // A config var that sets the address makes the platform's value irrelevant.
    assertEquals("10.1.1.1", DynoNetwork.address(Environment.of(Map.of("HEROKU_PRIVATE_IP", "-d",
        "DATOMIC_PEER_SERVER_HOST", "10.1.1.1")), "DATOMIC_PEER_SERVER_HOST").host());
    assertEquals("10.0.0.7", DynoNetwork.detect(Environment.of(Map.of("HEROKU_PRIVATE_IP",
        "10.0.0.7", "HEROKU_DNS_DYNO_NAME", "1.transactor.my-app.app.localspace"))).host());
  }

  @Test
  void memcachedServersFollowTheSameRule() {
    for (String bad : List.of("-d", "-d:11211", "a..b:1", "10.0.0.256:11211", "x_y:11211")) {
      assertTrue(ValueType.serverProblem(bad).isPresent(), bad);
    }
    assertEquals(Optional.empty(), ValueType.serverProblem("[fd00::1]:11211"));
  }
}
