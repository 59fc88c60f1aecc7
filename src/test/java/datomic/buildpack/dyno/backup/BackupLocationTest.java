package datomic.buildpack.dyno.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import datomic.buildpack.output.UserError;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A backup location is one folder named exactly as written: no part of it is resolved away on
 * the way to S3 or the disk, and a {@code file:} URL means a path on this machine only.
 */
class BackupLocationTest {
  static final String SOURCE = "config var DATOMIC_BACKUP_URL";

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "s3://my-backups/datomic            | s3://my-backups/datomic/a-db    | datomic",
    "s3://my-backups/datomic/           | s3://my-backups/datomic/a-db    | datomic",
    "s3://my-backups/a.b/c-d            | s3://my-backups/a.b/c-d/a-db    | a.b/c-d",
    "file:/var/backups                  | file:/var/backups/a-db          | /var/backups",
    "file:///var/backups/               | file:/var/backups/a-db          | /var/backups",
    "file:/tmp/junit-1/x_y.z~+=,@       | file:/tmp/junit-1/x_y.z~+=,@/a-db | /tmp/junit-1/x_y.z~+=,@",
  })
  void aFolderNamedAsItIsIsTaken(String raw, String forDatabase, String prefix) {
    BackupLocation location = BackupLocation.parse(raw, SOURCE);
    assertEquals(forDatabase, location.forDatabase("a-db"));
    assertEquals(prefix, location.prefix());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "s3://bucketeer-3f9a/./public/x     | its prefix has a '.' part",
    "s3://bucketeer-3f9a/a/../public/x  | its prefix has a '..' part",
    "s3://bucketeer-3f9a/..             | its prefix has a '..' part",
    "s3://my-backups/a//b               | the prefix part '' is empty",
    "s3://my-backups/a b                | the prefix part 'a b'",
    "file://otherhost/x                 | a file: URL here names no host",
    "file://localhost/x                 | a file: URL here names no host",
    "file:relative/x                    | a file: URL needs an absolute path",
    "file:/tmp/my backups               | its path holds a space",
    "file:/tmp/x?y=1                    | its path holds a '?' (it would start the URI's query)",
    "file:/tmp/x#frag                   | its path holds a '#' (it would start the URI's fragment)",
    "file:/tmp/50%off                   | its path holds a '%'",
    "file:/tmp/./x                      | its path has a '.' part",
    "file:/tmp/a/../../etc              | its path has a '..' part",
    "file:/tmp//x                       | its path has an empty part (//)",
    "file:/                             | it is the root folder",
    "file:///                           | it is the root folder",
    "https://example.com/backups        | it is neither s3://bucket/prefix nor file:/absolute/path",
  })
  void anythingElseIsRefusedSayingWhy(String raw, String why) {
    UserError e = assertThrows(UserError.class, () -> BackupLocation.parse(raw, SOURCE));
    assertTrue(e.summary().startsWith("The backup location " + raw + " (" + SOURCE
        + ") is not usable: "), e.summary());
    assertTrue(e.summary().contains(why), e.summary());
  }

  @ParameterizedTest
  @CsvSource({"'file:/tmp/x\n-----> Backed up a-db'", "'s3://b-1/x\u001b[31m'"})
  void aLocationCannotForgeALogLine(String raw) {
    UserError e = assertThrows(UserError.class, () -> BackupLocation.parse(raw, SOURCE));
    assertFalse(e.summary().contains("\n") || e.summary().contains("\u001b"), e.summary());
  }
}
