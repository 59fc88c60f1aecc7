package datomic.buildpack.dyno.transactor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import datomic.buildpack.dyno.Heap;
import datomic.buildpack.dyno.Size;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The memory sizing table docs/memory.md documents, and the 75% rule at every size. */
class MemoryPlanTest {
  @ParameterizedTest(name = "{0} MB dyno")
  @CsvSource({
    // dyno MB, heap MB, threshold, index max, cache max
    "512,    256,  32,  64,   32",
    "1024,   768,  32, 192,   96",
    "2560,  1920,  32, 330,  390",
    "14336, 10752, 32, 512, 3520",
  })
  void sizingTable(long dyno, long heap, long threshold, long indexMax, long cacheMax) {
    assertEquals(heap, Heap.forDyno(dyno));
    MemoryPlan plan = MemoryPlan.forHeap(heap);
    assertEquals(new MemoryPlan(heap, threshold, indexMax, cacheMax), plan);
    assertTrue(plan.fitsHeap());
  }

  @ParameterizedTest
  @CsvSource({"1024, 32, 256, 128", "4096, 32, 512, 1024"})
  void followsDatomicsGuidanceAtItsTwoPoints(long heap, long t, long max, long cache) {
    assertEquals(new MemoryPlan(heap, t, max, cache), MemoryPlan.forHeap(heap));
  }

  @ParameterizedTest
  @ValueSource(longs = {512, 1000, 1024, 1500, 2048, 3000, 4095, 4096, 8192, 30000, 61440})
  void alwaysWithinSeventyFivePercentAndThresholdBelowMax(long dyno) {
    MemoryPlan plan = MemoryPlan.forHeap(Heap.forDyno(dyno));
    assertTrue(plan.fitsHeap(), plan.toString());
    assertTrue(plan.indexThresholdMb() < plan.indexMaxMb(), plan.toString());
    assertTrue(plan.heapMb() < dyno, plan.toString());
  }

  @ParameterizedTest
  @CsvSource({"256m, 256", "4g, 4096", "2048k, 2", "1G, 1024"})
  void parsesSizes(String text, long mb) {
    assertEquals(mb, Size.megabytes(text));
  }
}
