package datomic.buildpack.testsupport;

import clojure.java.api.Clojure;
import clojure.lang.Keyword;
import java.util.List;
import java.util.Map;

/** Reads EDN with Clojure's own reader (the one the shipped main uses), for assertions. */
public final class EdnData {
  private EdnData() {}

  @SuppressWarnings("unchecked")
  public static Map<Object, Object> map(String edn) {
    return (Map<Object, Object>) Clojure.var("clojure.edn", "read-string").invoke(edn);
  }

  public static Object get(Map<Object, Object> map, String keyword) {
    return map.get(Keyword.intern(keyword));
  }

  @SuppressWarnings("unchecked")
  public static List<Object> list(Map<Object, Object> map, String keyword) {
    return (List<Object>) get(map, keyword);
  }
}
