package datomic.buildpack.compile.distribution.zip;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The ring buffer keeps exactly the last bytes written, whatever the sizes of the writes and
 * however often it wraps around; its channel serves them at their positions in the whole stream.
 */
class ZipTailTest {

  @Test
  void keepsTheLastBytesAcrossWrapArounds() throws Exception {
    for (long seed = 1; seed <= 200; seed++) {
      Random random = new Random(seed);
      int capacity = 1 + random.nextInt(random.nextBoolean() ? 16 : 4096);
      ZipTail tail = new ZipTail(capacity);
      ByteArrayOutputStream written = new ByteArrayOutputStream();
      int writes = 1 + random.nextInt(40);
      for (int w = 0; w < writes; w++) {
        if (random.nextInt(4) == 0) {
          int b = random.nextInt(256);
          tail.write(b);
          written.write(b);
        } else {
          // 0 bytes up to more than twice the capacity, from the middle of a larger array
          int len = random.nextInt(2 * capacity + 2);
          byte[] piece = new byte[len + 10];
          random.nextBytes(piece);
          int off = random.nextInt(11);
          tail.write(piece, off, len);
          written.write(piece, off, len);
        }
        check(tail, written.toByteArray(), random, "seed " + seed + ", write " + w);
      }
    }
  }

  private static void check(ZipTail tail, byte[] all, Random random, String what)
      throws Exception {
    long total = all.length;
    long start = Math.max(0, total - tail.capacity());
    assertEquals(total, tail.total(), what);
    try (SeekableByteChannel channel = tail.channel()) {
      assertEquals(total, channel.size(), what);
      for (int i = 0; i < 20 && total > 0; i++) {
        long position = start + (long) random.nextInt((int) (total - start));
        int want = 1 + random.nextInt(tail.capacity() + 5); // at times more than is left
        ByteBuffer dst = ByteBuffer.allocate(want);
        channel.position(position);
        int n = channel.read(dst);
        int expected = (int) Math.min(want, total - position);
        assertEquals(expected, n, what + ", at " + position);
        assertEquals(position + n, channel.position(), what);
        assertArrayEquals(Arrays.copyOfRange(all, (int) position, (int) position + n),
            Arrays.copyOf(dst.array(), n), what + ", at " + position + ", " + want + " bytes");
      }
      // The whole tail in one read.
      channel.position(start);
      ByteBuffer whole = ByteBuffer.allocate(tail.capacity());
      assertEquals(total == start ? -1 : (int) (total - start), channel.read(whole), what);
      assertArrayEquals(Arrays.copyOfRange(all, (int) start, (int) total),
          Arrays.copyOf(whole.array(), (int) (total - start)), what);
      if (start > 0) {
        channel.position(random.nextInt((int) start));
        assertThrows(ZipTail.BeforeTailException.class,
            () -> channel.read(ByteBuffer.allocate(1)), what);
      }
      channel.position(total + random.nextInt(3));
      assertEquals(-1, channel.read(ByteBuffer.allocate(1)), what);
    }
  }

  @Test
  void aReadEndingInTheTailButStartingBeforeItFails() throws Exception {
    ZipTail tail = new ZipTail(8);
    tail.write(new byte[20], 0, 20);
    try (SeekableByteChannel channel = tail.channel()) {
      channel.position(11);
      assertThrows(ZipTail.BeforeTailException.class, () -> channel.read(ByteBuffer.allocate(4)));
      channel.position(12);
      assertEquals(4, channel.read(ByteBuffer.allocate(4)));
    }
  }

  @Test
  void findsTheEndRecordAcrossTheRingsSeam() throws Exception {
    // An end record (22 bytes, central directory of 0x01020304 bytes) after some bytes, written
    // so that it straddles the ring's wrap-around point at every possible place.
    byte[] end = new byte[22];
    end[0] = 0x50;
    end[1] = 0x4b;
    end[2] = 0x05;
    end[3] = 0x06;
    end[12] = 0x04;
    end[13] = 0x03;
    end[14] = 0x02;
    end[15] = 0x01;
    for (int before = 0; before < 64; before++) {
      ZipTail tail = new ZipTail(40);
      tail.write(new byte[before], 0, before);
      for (byte b : end) {
        tail.write(b);
      }
      assertEquals(before, tail.endRecord(), "after " + before);
      assertEquals(0x01020304L, tail.centralDirectorySize(before), "after " + before);
    }
    ZipTail none = new ZipTail(40);
    none.write(new byte[100], 0, 100);
    assertEquals(-1, none.endRecord());
  }
}
