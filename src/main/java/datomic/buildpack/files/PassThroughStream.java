package datomic.buildpack.files;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A filter that must see every byte (to hash it, copy it, count it): reading one byte and
 * skipping go through {@link #read(byte[], int, int)}, which subclasses implement, instead of
 * around it as {@link FilterInputStream} would; marks are not supported.
 */
public abstract class PassThroughStream extends FilterInputStream {
  private static final int SKIP_BUFFER = 64 * 1024;

  protected PassThroughStream(InputStream in) {
    super(in);
  }

  @Override
  public abstract int read(byte[] b, int off, int len) throws IOException;

  @Override
  public int read() throws IOException {
    return Streams.readOne(this);
  }

  @Override
  public long skip(long n) throws IOException {
    byte[] scratch = new byte[(int) Math.min(SKIP_BUFFER, Math.max(1, n))];
    long done = 0;
    while (done < n) {
      int r = read(scratch, 0, (int) Math.min(scratch.length, n - done));
      if (r < 0) {
        break;
      }
      done += r;
    }
    return done;
  }

  @Override
  public boolean markSupported() {
    return false;
  }
}
