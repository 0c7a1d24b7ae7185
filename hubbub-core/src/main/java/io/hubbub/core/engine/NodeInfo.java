package io.hubbub.core.engine;

/**
 * A live Hubbub node as seen by the cluster.
 *
 * @param id          unique node id
 * @param url         public base URL (http[s]://host:port)
 * @param connections current connection count (load)
 * @param startedAt   epoch millis
 * @param lastSeen    epoch millis of the latest heartbeat
 */
public record NodeInfo(String id, String url, int connections, long startedAt, long lastSeen) {}
