/** A bare JVM start, the floor of the CLI's start (bench/run compiles it into a folder of its own). */
public final class Noop {
  private Noop() {}

  public static void main(String[] args) {}
}
