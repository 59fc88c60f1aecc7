package datomic.buildpack.dyno.transactor;

/**
 * Heap and memory trio for a dyno, following Datomic's guidance: a 1 GB heap gets
 * 32m/256m/128m and a 4 GB heap 32m/512m/1g. Both spend 37.5% of the heap on the index and the
 * object cache, well inside the transactor's 75% rule; this plan keeps that share at every size,
 * moving from index to cache as the heap grows.
 */
public record MemoryPlan(long heapMb, long indexThresholdMb, long indexMaxMb, long cacheMaxMb) {
  static final long THRESHOLD_MB = 32;
  /** Datomic refuses to start when index max + object cache max exceed this share of heap. */
  static final double MAX_SHARE = 0.75;

  /** The trio for a heap of {@code heapMb}. */
  public static MemoryPlan forHeap(long heapMb) {
    long indexMax;
    if (heapMb <= 1024) {
      indexMax = heapMb / 4;
    } else if (heapMb < 4096) {
      indexMax = 256 + (heapMb - 1024) / 12;
    } else {
      indexMax = 512;
    }
    long both = heapMb * 3 / 8;
    return new MemoryPlan(heapMb, THRESHOLD_MB, indexMax, both - indexMax);
  }

  /** Whether index max + object cache max fit in 75% of the heap. */
  public boolean fitsHeap() {
    return (indexMaxMb + cacheMaxMb) <= heapMb * MAX_SHARE;
  }

  public long limitMb() {
    return (long) (heapMb * MAX_SHARE);
  }
}
