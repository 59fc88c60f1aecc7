package datomic.buildpack.output;

/**
 * The debug switch, {@code DATOMIC_BUILDPACK_DEBUG=1} (or {@code true}): what stays behind it is
 * detail a person does not need to act (stack traces, a third party's own report of a failure
 * we already named in one line).
 */
public final class DebugSwitch {
  public static final String VAR = "DATOMIC_BUILDPACK_DEBUG";

  private DebugSwitch() {}

  /** Whether {@code value} (the variable's, or null when unset) turns the switch on. */
  public static boolean on(String value) {
    return "1".equals(value) || "true".equals(value);
  }
}
