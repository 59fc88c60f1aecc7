package datomic.buildpack.dyno.transactor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import datomic.buildpack.dyno.JavaExec;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LauncherTest {
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "-Xmx300m -Xss512k -XX:CICompilerCount=2 | -Xss512k -XX:CICompilerCount=2",
    "-XX:MaxRAMPercentage=80.0 -Dfile.encoding=UTF-8 | -Dfile.encoding=UTF-8",
    "-Xms1g -Xmx1g | ''",
    "'' | ''",
  })
  void removesHeapSettingsOtherBuildpacksAddAndKeepsTheRest(String in, String out) {
    assertEquals(out, JavaExec.withoutHeapOptions(in));
  }
}
