/**
 * The Redis engine ({@code engine: redis}), on one Redis (6.2+) or a Redis Cluster (7+, sharded pub/sub).
 *
 * <p>Key layout, with prefix P (default {@code hubbub}) and Hubbub channel C; every key of one channel
 * carries the hash tag {@code {P:C}} so it lives in one cluster slot:
 * <ul>
 *   <li>{@code {P:C}:history} Stream; entry id {@code <offset>-<time ms>}, field {@code d} = body JSON</li>
 *   <li>{@code {P:C}:meta} hash: {@code e} epoch, {@code t} top offset, {@code a} history age limit ms</li>
 *   <li>{@code {P:C}:pub} pub/sub channel (SPUBLISH/SSUBSCRIBE in a cluster); frame {@code <offset>:<epoch>:<time>:<body>}</li>
 *   <li>{@code {P:C}:presence}, {@code :presence-expiry}, {@code :presence-users}: presence entries, their expiry, per-user counts</li>
 *   <li>{@code P:last-seen} hash user -> millis; {@code P:session:<id>} resumable sessions (PX)</li>
 *   <li>{@code {P:nodes}:node:<id>} node JSON (PX heartbeat TTL), {@code {P:nodes}:index} zset id -> expiry</li>
 * </ul>
 * All multi-key changes are Lua scripts (resources beside these classes), run with EVALSHA and EVAL fallback.
 */
package io.hubbub.redis;
