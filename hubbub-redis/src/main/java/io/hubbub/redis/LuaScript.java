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
 * One Lua script from this package's resources, run with EVALSHA and, when the server does not know it
 * yet (a restarted Redis, a new cluster node), with EVAL, which also caches it there. Every script
 * returns a table, read as a list. Failures are mapped by {@link RedisFailures}.
 */
final class LuaScript {
    private final String source;
    private final String sha;

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
        return redis.<List<Object>>evalsha(sha, ScriptOutputType.MULTI, keys, args).toCompletableFuture()
                .handle((r, e) -> {
                    if (e == null) return CompletableFuture.completedFuture(r);
                    Throwable c = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                    if (c instanceof RedisNoScriptException) {
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
