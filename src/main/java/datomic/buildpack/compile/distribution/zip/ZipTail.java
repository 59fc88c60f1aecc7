package datomic.buildpack.compile.distribution.zip;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;

/**
 * The last bytes of a zip as it streams past, kept in memory: a zip's central directory (the list
 * of entries with their Unix modes and symlink flags, which a stream cannot see) is at its end.
 * {@link #channel()} shows the whole zip's length but serves only the kept tail, which is all a
 * reader of the central directory needs; reading before it fails. This replaces a scratch copy of
 * the whole download on disk.
 */
final class ZipTail extends OutputStream {
  private final byte[] ring;
  private long total;

  /** Keeps the last {@code capacity} bytes written. */
  ZipTail(int capacity) {
    this.ring = new byte[capacity];
  }

  /** How many bytes the tail can hold: a central directory larger than this cannot be read. */
  int capacity() {
    return ring.length;
  }

  /** Bytes written so far (the zip's length once it has all gone past). */
  long total() {
    return total;
  }

  @Override
  public void write(int b) {
    ring[(int) (total % ring.length)] = (byte) b;
    total++;
  }

  @Override
  public void write(byte[] b, int off, int len) {
    if (len >= ring.length) { // only the end of this piece can stay
      off += len - ring.length;
      total += len - ring.length;
      len = ring.length;
    }
    while (len > 0) {
      int at = (int) (total % ring.length);
      int n = Math.min(len, ring.length - at);
      System.arraycopy(b, off, ring, at, n);
      off += n;
      len -= n;
      total += n;
    }
  }

  /** A read-only view of the zip of {@link #total()} bytes, of which only the tail is readable. */
  SeekableByteChannel channel() {
    return new TailChannel(start(), total);
  }

  /** How far from the zip's end its end record may start: 22 bytes and a comment of 64 KB. */
  static final int END_RECORD_SEARCH = 22 + 0xFFFF;

  /**
   * Where the zip's end-of-central-directory record starts, found as zip readers find it: the
   * last signature {@code 0x06054b50} no further than {@value #END_RECORD_SEARCH} bytes from the
   * end. -1 when the kept tail holds none (the zip is cut short, or is no zip).
   */
  long endRecord() {
    long floor = Math.max(start(), total - END_RECORD_SEARCH);
    for (long at = total - 22; at >= floor; at--) {
      if (number(at, 4) == 0x06054b50L) {
        return at;
      }
    }
    return -1;
  }

  /**
   * The central directory's size as the end record at {@code endRecord} gives it (4 bytes at
   * offset 12). When that field holds the ZIP64 marker 0xFFFFFFFF, the size is the one the ZIP64
   * end record gives (8 bytes at offset 40; found through the ZIP64 locator, the 20 bytes before
   * the end record). -1 when that marker is set and no ZIP64 record is in the tail (a damaged
   * zip). Zip readers use the ZIP64 record whenever its locator is there, but the two sizes agree
   * in any sound zip.
   */
  long centralDirectorySize(long endRecord) {
    long size = number(endRecord + 12, 4);
    if (size != 0xFFFFFFFFL) {
      return size;
    }
    long locator = endRecord - 20;
    if (locator < start() || number(locator, 4) != 0x07064b50L) {
      return -1;
    }
    long record = number(locator + 8, 8);
    if (record < start() || record > locator - 56 || number(record, 4) != 0x06064b50L) {
      return -1;
    }
    long size64 = number(record + 40, 8);
    return size64 < 0 ? Long.MAX_VALUE : size64;
  }

  /** The first position still kept. */
  private long start() {
    return Math.max(0, total - ring.length);
  }

  /** The little-endian number of {@code bytes} bytes at {@code at} (which must be kept). */
  private long number(long at, int bytes) {
    long value = 0;
    for (int i = bytes - 1; i >= 0; i--) {
      value = value << 8 | ring[(int) ((at + i) % ring.length)] & 0xFF;
    }
    return value;
  }

  /** Thrown when a reader asks for bytes from before the kept tail. */
  static final class BeforeTailException extends IOException {
    BeforeTailException(int capacity) {
      super("the zip's central directory starts more than " + capacity
          + " bytes before its end");
    }
  }

  /** Serves positions {@code base..size-1} from the ring (written no further since). */
  private final class TailChannel implements SeekableByteChannel {
    private final long base;
    private final long size;
    private long position;
    private boolean open = true;

    TailChannel(long base, long size) {
      this.base = base;
      this.size = size;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
      checkOpen();
      if (position >= size) {
        return -1;
      }
      if (position < base) {
        throw new BeforeTailException(ring.length);
      }
      int n = (int) Math.min(dst.remaining(), size - position);
      int at = (int) (position % ring.length);
      int first = Math.min(n, ring.length - at);
      dst.put(ring, at, first);
      dst.put(ring, 0, n - first);
      position += n;
      return n;
    }

    @Override
    public long position() throws IOException {
      checkOpen();
      return position;
    }

    @Override
    public SeekableByteChannel position(long newPosition) throws IOException {
      checkOpen();
      if (newPosition < 0) {
        throw new IllegalArgumentException("negative position");
      }
      position = newPosition;
      return this;
    }

    @Override
    public long size() throws IOException {
      checkOpen();
      return size;
    }

    @Override
    public int write(ByteBuffer src) {
      throw new NonWritableChannelException();
    }

    @Override
    public SeekableByteChannel truncate(long newSize) {
      throw new NonWritableChannelException();
    }

    @Override
    public boolean isOpen() {
      return open;
    }

    @Override
    public void close() {
      open = false;
    }

    private void checkOpen() throws ClosedChannelException {
      if (!open) {
        throw new ClosedChannelException();
      }
    }
  }
}
