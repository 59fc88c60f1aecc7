package datomic.buildpack.compile.distribution;

import java.nio.file.Path;

/**
 * What {@code bin/compile} put into the slug: which Datomic, its checksum, where, how big, and
 * whether the build cache served it ({@code cache}: hit, miss or unused; {@code cacheReason}: why
 * not, in fixed words).
 */
public record InstalledDistribution(String edition, String version, String sha256, Path home,
    long sizeBytes, String cache, String cacheReason) {}
