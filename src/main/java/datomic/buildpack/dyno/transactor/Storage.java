package datomic.buildpack.dyno.transactor;

import datomic.buildpack.storage.PostgresUrl;
import java.util.Map;
import java.util.Optional;

/**
 * Where the transactor keeps its data, as properties: {@code sql} on Postgres from the database
 * URL, or {@code dev}/{@code free} on the dyno's own throwaway disk.
 *
 * @param description for the boot log; never holds a password
 * @param shared whether a second transactor can share it (failover)
 * @param database the Postgres URL of {@code sql} storage, parsed once per boot
 */
public record Storage(String protocol, Map<String, String> properties, String description,
    String source, boolean shared, Optional<PostgresUrl> database) {}
