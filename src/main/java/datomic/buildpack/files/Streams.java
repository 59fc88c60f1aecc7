package datomic.buildpack.files;

import java.io.IOException;
import java.io.InputStream;

/** Small helpers for streams that only implement the bulk {@code read(byte[], int, int)}. */
public final class Streams {
  private Streams() {}

  /** {@link InputStream#read()} in terms of the stream's own bulk read. */
  public static int readOne(InputStream in) throws IOException {
    byte[] one = new byte[1];
    int n = in.read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }
}
