package datomic.buildpack.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import datomic.buildpack.dyno.JavaExec;
import datomic.buildpack.dyno.peerserver.ClientConfig;
import datomic.buildpack.memcached.Memcached;
import datomic.buildpack.output.Log;
import datomic.buildpack.output.UserError;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * One rule for every list a process reads ({@link ValueList}): a list names at least one item
 * and no item is empty. The registry's list types refuse what the code that splits the value
 * refuses, so no reader can take {@code ","} for "nothing" (a backup of no database that exits 0).
 */
class ListRuleTest {
  static final ConfigRegistry REGISTRY = ConfigRegistry.load();
  static final Set<ValueType> LISTS = Set.of(ValueType.DATABASES, ValueType.SERVERS,
      ValueType.PATHS);
  /** Empty lists and lists with an empty item, written with ',' for the list's separator. */
  static final List<String> BAD = List.of(",", " , ,", "   ", "a1,,b1", "a1,", ",a1", "a1, ,b1");
  final Log log = new Log(new PrintStream(new ByteArrayOutputStream()),
      new PrintStream(new ByteArrayOutputStream()));

  static char separator(ValueType type) {
    return type == ValueType.PATHS ? ':' : ',';
  }

  @Test
  void theListsOfTheRegistryAreDeclaredAsLists() {
    for (String name : List.of("DATOMIC_PEER_SERVER_DATABASES", "DATOMIC_BACKUP_DATABASES",
        "DATOMIC_MEMCACHED", "DATOMIC_EXT_CLASSPATH")) {
      assertTrue(LISTS.contains(REGISTRY.find(name).orElseThrow().type()), name);
    }
  }

  @Test
  void everyListVarRefusesAnEmptyListAndAnEmptyItemAndTakesAGoodList() {
    int lists = 0;
    for (ConfigVar var : REGISTRY.vars()) {
      if (!LISTS.contains(var.type())) {
        continue;
      }
      lists++;
      char sep = separator(var.type());
      for (String bad : BAD) {
        String value = bad.replace(',', sep);
        UserError e = assertThrows(UserError.class,
            () -> REGISTRY.validate(Environment.of(Map.of(var.name(), value)), log),
            var.name() + "='" + value + "' is refused");
        String text = String.join("\n", e.advice());
        assertTrue(text.contains(var.name() + "=") && (text.contains("(an empty list)")
            || text.contains(" is empty (")), text);
      }
      String good = " a1 " + sep + "b1";
      REGISTRY.validate(Environment.of(Map.of(var.name(), good)), log);
    }
    assertEquals(4, lists, "the registry's list vars");
  }

  @Test
  void theItemsOfAListAreCheckedToo() {
    for (String[] bad : new String[][] {
        {"DATOMIC_BACKUP_DATABASES", "a-db,b_db", "database name 'b_db': only letters, digits"},
        {"DATOMIC_PEER_SERVER_DATABASES", "a-db b-db", "database name 'a-db b-db'"},
        {"DATOMIC_MEMCACHED", "mc1:11211,-x", "memcached server '-x': it starts with '-'"},
        {"DATOMIC_MEMCACHED", "mc1 mc2", "memcached server 'mc1 mc2':"}}) {
      UserError e = assertThrows(UserError.class,
          () -> REGISTRY.validate(Environment.of(Map.of(bad[0], bad[1])), log));
      assertTrue(String.join("\n", e.advice()).contains(bad[2]), String.join("\n", e.advice()));
    }
  }

  /** The code that splits each list refuses what the registry refuses, saying where it is. */
  @Test
  void everyReaderOfAListRefusesTheSameValues() {
    Map<String, Function<String, Object>> readers = Map.of(
        "config var DATOMIC_PEER_SERVER_DATABASES", v -> ClientConfig.read(REGISTRY,
            env("DATOMIC_PEER_SERVER_DATABASES", v), log),
        "config var DATOMIC_MEMCACHED", v -> Memcached.resolve(REGISTRY,
            env("DATOMIC_MEMCACHED", v)),
        "MEMCACHIER_SERVERS", v -> Memcached.resolve(REGISTRY, env("MEMCACHIER_SERVERS", v)),
        "config var DATOMIC_EXT_CLASSPATH", v -> JavaExec.absoluteClasspath(v.replace(',', ':'),
            Path.of("/app")));
    readers.forEach((source, reader) -> {
      for (String bad : BAD) {
        UserError e = assertThrows(UserError.class, () -> reader.apply(bad),
            source + " '" + bad + "'");
        assertTrue(e.summary().startsWith(source.substring(0, 1).toUpperCase()
            + source.substring(1) + " is not usable: "), e.summary());
        assertTrue(e.summary().contains("(an empty list)") || e.summary().contains(" is empty ("),
            e.summary());
      }
    });
  }

  @Test
  void theMessageSaysWhereTheEmptyItemIs() {
    assertEquals("item 2 of 3 is empty (two ',' in a row)",
        ValueList.problem("a,,b", ',', "name").orElseThrow());
    assertEquals("item 1 of 2 is empty (a ':' at the start)",
        ValueList.problem(":a", ':', "path").orElseThrow());
    assertEquals("item 2 of 2 is empty (a ',' at the end)",
        ValueList.problem("a, ", ',', "name").orElseThrow());
    assertEquals("it names no database name (an empty list)",
        ValueList.problem(" , ", ',', "database name").orElseThrow());
    assertEquals(List.of("a", "b"), ValueList.items(" a , b ", ',', "x", "name", "a,b"));
  }

  static Environment env(String name, String value) {
    Map<String, String> env = new HashMap<>();
    env.put("DATOMIC_PEER_SERVER_ACCESS_KEY", "ak-list-test");
    env.put("DATOMIC_PEER_SERVER_SECRET", "0123456789abcdef0123456789abcdef");
    env.put(name, value);
    return Environment.of(env);
  }
}
