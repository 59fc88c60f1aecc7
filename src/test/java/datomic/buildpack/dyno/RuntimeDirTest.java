package datomic.buildpack.dyno;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import datomic.buildpack.config.Environment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a one-off command killed before it could clean up left in the dyno's runtime folder (its
 * {@code <command>-<pid>} folder, with a pgpass file) is deleted by the next process, with real
 * processes: a pid that is gone, or alive but started after the folder was made (the pid was
 * reused), is not its owner; a running command's folder stays.
 */
class RuntimeDirTest {
  @TempDir Path tmp;

  Environment env() {
    return Environment.of(Map.of("TMPDIR", tmp.toString(), "DYNO", "peer-server.1"));
  }

  Path commandFolder(long pid) throws IOException {
    Path dyno = RuntimeDir.open(env(), "peer-server", tmp.resolve("app")).path();
    Path folder = Files.createDirectories(dyno.resolve("backup-" + pid));
    Files.writeString(folder.resolve("pgpass"), "h:5432:db:u:pw\n");
    return folder;
  }

  @Test
  void theFoldersOfEndedCommandsAreDeletedAndARunningOnesKept() throws Exception {
    Process ended = new ProcessBuilder("true").start();
    ended.waitFor();
    Path dead = commandFolder(ended.pid());
    Process live = new ProcessBuilder("sleep", "60").start();
    try {
      Path running = commandFolder(live.pid());
      // This JVM's pid is alive, but the folder is older than this JVM: another process's.
      Path old = commandFolder(ProcessHandle.current().pid());
      Files.setLastModifiedTime(old, FileTime.from(Instant.now().minusSeconds(3600 * 24 * 365)));

      RuntimeDir.forBoot(env(), "peer-server", tmp.resolve("app"));
      assertFalse(Files.exists(dead), "its process is gone");
      assertFalse(Files.exists(old), "its pid belongs to a process started after it was made");
      assertTrue(Files.exists(running.resolve("pgpass")), "its command still runs");

      live.destroyForcibly().waitFor();
      RuntimeDir command = RuntimeDir.forCommand(env(), "backup", tmp.resolve("app"));
      assertFalse(Files.exists(running), "a new command deletes it once its process is gone");
      try (var left = Files.list(command.path().getParent())) {
        assertEquals(1, left.count(), "only the new command's own folder");
      }
      command.delete();
      assertFalse(Files.exists(command.path()));
      command.delete(); // twice is fine (a shutdown hook and the command itself)
    } finally {
      live.destroyForcibly();
    }
  }
}
