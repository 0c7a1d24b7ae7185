package io.hubbub.redis;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * One Lua script from this package's resources, run with EVAL until Redis has answered one call (EVAL
 * also caches the script there), then with EVALSHA; a NOSCRIPT answer (a restarted or flushed Redis, a
 * cluster shard that has not seen it yet) switches back to EVAL and retries that call with EVAL. Every
 * script returns a table, read as a list. Failures are mapped by {@link RedisFailures}.
 *
 * <p>Why not EVALSHA first with an EVAL retry: commands on one connection run in the order they were
 * sent, and publications rely on that for their order, but a retry is sent only when its NOSCRIPT answer
 * arrives — after later EVALSHAs, which succeed once any client has loaded the script. On a fresh Redis
 * that reordered a sender's first messages (seen as 2, 3, 4, 0, 1 across two nodes). Sending EVAL until
 * the script is known on that connection keeps the order; a NOSCRIPT after a Redis restart or on a new cluster shard can
 * still reorder the calls in flight at that moment (a restarted Redis has lost the history anyway).
 */
final class LuaScript {
    private final String source;
    private final String sha;
    /**
     * The connection whose Redis has run this script (so EVALSHA finds it there), or null; reset by a
     * NOSCRIPT answer. One connection per process in production; several engines in one JVM (tests)
     * only make each other use EVAL more often.
     */
    private volatile Object knownOn;

    private LuaScript(String source) {
        this.source = source;
        try {
            this.sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(source.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static LuaScript load(String name) {
        return new LuaScript(source(name));
    }

    /** A script's text with its {@code --#include NAME} lines replaced by NAME.lua (shared functions). */
    static String source(String name) {
        try (InputStream in = LuaScript.class.getResourceAsStream(name + ".lua")) {
            if (in == null) throw new IllegalStateException("missing script " + name + ".lua");
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            java.util.regex.Matcher m = INCLUDE.matcher(text);
            StringBuilder out = new StringBuilder();
            while (m.find()) m.appendReplacement(out, java.util.regex.Matcher.quoteReplacement(source(m.group(1))));
            m.appendTail(out);
            return out.toString();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static final java.util.regex.Pattern INCLUDE = java.util.regex.Pattern.compile("(?m)^--#include (\\w+)$");

    CompletableFuture<List<Object>> run(RedisClusterAsyncCommands<String, String> redis, String[] keys, String... args) {
        if (knownOn != redis) {
            return redis.<List<Object>>eval(source, ScriptOutputType.MULTI, keys, args).toCompletableFuture()
                    .thenApply(r -> {
                        knownOn = redis;
                        return r;
                    })
                    .exceptionally(e -> { throw RedisFailures.map(e); });
        }
        return redis.<List<Object>>evalsha(sha, ScriptOutputType.MULTI, keys, args).toCompletableFuture()
                .handle((r, e) -> {
                    if (e == null) return CompletableFuture.completedFuture(r);
                    Throwable c = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                    if (c instanceof RedisNoScriptException) {
                        knownOn = null;
                        return redis.<List<Object>>eval(source, ScriptOutputType.MULTI, keys, args).toCompletableFuture();
                    }
                    return CompletableFuture.<List<Object>>failedFuture(c);
                })
                .thenCompose(f -> f)
                .exceptionally(e -> { throw RedisFailures.map(e); });
    }

    static long asLong(Object o) {
        return o instanceof Long l ? l : Long.parseLong(String.valueOf(o));
    }

    @SuppressWarnings("unchecked")
    static List<Object> asList(Object o) {
        return (List<Object>) o;
    }
}
