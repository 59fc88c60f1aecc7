package datomic.buildpack.distribution;

import java.nio.file.Path;

/** What {@code bin/compile} put into the slug: which Datomic, its checksum, where, how big. */
public record InstalledDistribution(
    String edition, String version, String sha256, Path home, long sizeBytes) {}
