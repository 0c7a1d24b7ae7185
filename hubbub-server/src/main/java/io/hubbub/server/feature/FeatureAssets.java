package io.hubbub.server.feature;

import io.hubbub.core.protocol.ErrorCode;
import io.hubbub.server.transport.HttpEndpoint;
import io.hubbub.server.transport.HttpResponses;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * Serves one feature's static files ({@link io.hubbub.core.feature.FeatureContext#assets}) read-only from its
 * class loader. Only a relative path made of plain segments with a known extension is ever looked up, so
 * {@code ..}, encoded {@code %2e%2e}, empty segments (absolute paths after the prefix), dotted and hidden
 * names and directories all answer 404 without touching the class path. Files are read once, off the event
 * loop, and kept in memory (bounded: see {@link #MAX_CACHED_BYTES}); a hit is answered on the event loop.
 */
public final class FeatureAssets implements HttpEndpoint {
    /** Largest single file served; bigger ones are not assets of a feature jar (404). */
    static final int MAX_FILE_BYTES = 4 * 1024 * 1024;
    /** Bytes of files kept in memory per asset directory; past it files are read for every request. */
    static final long MAX_CACHED_BYTES = 16L * 1024 * 1024;
    static final int MAX_DEPTH = 8;
    /**
     * The pages' policy: everything from this origin only (its WebSocket included: CSP 3 {@code 'self'}), no
     * inline or eval'd script, no plugins, no framing, no foreign form targets or base URLs.
     */
    public static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; font-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}");
    private static final Map<String, String> TYPES = Map.ofEntries(
            Map.entry("html", "text/html; charset=utf-8"), Map.entry("js", "text/javascript; charset=utf-8"),
            Map.entry("mjs", "text/javascript; charset=utf-8"), Map.entry("css", "text/css; charset=utf-8"),
            Map.entry("json", "application/json"), Map.entry("map", "application/json"),
            Map.entry("ts", "text/plain; charset=utf-8"), Map.entry("txt", "text/plain; charset=utf-8"),
            Map.entry("md", "text/markdown; charset=utf-8"), Map.entry("svg", "image/svg+xml"),
            Map.entry("png", "image/png"), Map.entry("jpg", "image/jpeg"), Map.entry("jpeg", "image/jpeg"),
            Map.entry("gif", "image/gif"), Map.entry("webp", "image/webp"), Map.entry("ico", "image/x-icon"),
            Map.entry("woff2", "font/woff2"), Map.entry("wasm", "application/wasm"),
            Map.entry("webmanifest", "application/manifest+json"));

    private record Asset(byte[] body, String type, String etag) {}

    private final String prefix;
    private final String dir;
    private final ClassLoader loader;
    private final Executor blocking;
    private final Map<String, Asset> cache = new ConcurrentHashMap<>();
    private final AtomicLong cachedBytes = new AtomicLong();

    public FeatureAssets(FeatureHost.AssetRoute route, Executor blocking) {
        this.prefix = route.prefix();
        this.dir = route.classpathDir();
        this.loader = route.loader();
        this.blocking = blocking;
    }

    /** True when {@code path} is {@code prefix} or below it. */
    static boolean within(String path, String prefix) {
        return path.equals(prefix) || path.startsWith(prefix + "/");
    }

    @Override
    public boolean matches(String path) {
        return within(path, prefix);
    }

    @Override
    public void handle(ChannelHandlerContext ctx, FullHttpRequest req) {
        HttpMethod method = req.method();
        HttpHeaders headers = req.headers().copy();
        HttpRequest head = new DefaultHttpRequest(req.protocolVersion(), method, req.uri(), headers);
        String uri = req.uri();
        QueryStringDecoder q = new QueryStringDecoder(uri);
        req.release();
        if (!method.equals(HttpMethod.GET) && !method.equals(HttpMethod.HEAD)) {
            FullHttpResponse res = HttpResponses.error(ErrorCode.BAD_REQUEST, "method " + method + " not allowed here");
            res.setStatus(HttpResponseStatus.METHOD_NOT_ALLOWED);
            res.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
            send(ctx, head, res);
            return;
        }
        String path = q.path();
        if (path.equals(prefix)) { // relative links of the index page need the slash
            FullHttpResponse res = HttpResponses.text(301, "", "text/plain; charset=utf-8");
            String query = uri.indexOf('?') >= 0 ? uri.substring(uri.indexOf('?')) : "";
            res.headers().set(HttpHeaderNames.LOCATION, prefix + "/" + query);
            send(ctx, head, res);
            return;
        }
        String relative = relative(path.substring(prefix.length() + 1));
        if (relative == null) {
            notFound(ctx, head);
            return;
        }
        Asset cached = cache.get(relative);
        if (cached != null) {
            answer(ctx, head, cached);
            return;
        }
        blocking.execute(() -> {
            Asset a = load(relative);
            if (a == null) notFound(ctx, head);
            else answer(ctx, head, a);
        });
    }

    /** The file below the prefix that {@code rest} names (a directory: its index.html), or null if it may not be served. */
    static String relative(String rest) {
        if (rest.isEmpty() || rest.endsWith("/")) rest = rest + "index.html";
        String[] segments = rest.split("/", -1);
        if (segments.length > MAX_DEPTH) return null;
        for (String s : segments) if (!SEGMENT.matcher(s).matches()) return null;
        return type(rest) == null ? null : rest;
    }

    private static String type(String name) {
        int dot = name.lastIndexOf('.');
        int slash = name.lastIndexOf('/');
        return dot <= slash + 1 ? null : TYPES.get(name.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    private Asset load(String relative) {
        URL url = loader.getResource(dir + "/" + relative);
        if (url == null) return null;
        try {
            if (url.getProtocol().equals("file") && !Files.isRegularFile(Path.of(url.toURI()))) return null;
            byte[] body;
            try (InputStream in = url.openStream()) {
                body = in.readNBytes(MAX_FILE_BYTES + 1);
            }
            if (body.length > MAX_FILE_BYTES) return null;
            String etag = "\"" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body), 0, 16) + "\"";
            Asset a = new Asset(body, type(relative), etag);
            if (cachedBytes.addAndGet(body.length) <= MAX_CACHED_BYTES) {
                if (cache.putIfAbsent(relative, a) != null) cachedBytes.addAndGet(-body.length);
            } else {
                cachedBytes.addAndGet(-body.length);
            }
            return a;
        } catch (IOException | URISyntaxException | RuntimeException e) {
            return null; // a jar entry that is a directory, an unreadable file: not an asset
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void answer(ChannelHandlerContext ctx, HttpRequest head, Asset a) {
        FullHttpResponse res;
        if (notModified(head.headers().get(HttpHeaderNames.IF_NONE_MATCH), a.etag)) {
            res = HttpResponses.bytes(304, new byte[0], a.type);
            res.headers().remove(HttpHeaderNames.CONTENT_LENGTH);
        } else {
            boolean bodyless = head.method().equals(HttpMethod.HEAD);
            res = HttpResponses.bytes(200, bodyless ? new byte[0] : a.body, a.type);
            res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, a.body.length);
        }
        res.headers().set(HttpHeaderNames.ETAG, a.etag);
        res.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-cache"); // revalidate every time: URLs carry no version
        if (a.type.startsWith("text/html")) {
            res.headers().set("Content-Security-Policy", CSP);
            res.headers().set("X-Frame-Options", "DENY");
        } else {
            // public files without credentials: pages of other origins may load them (an ES module needs CORS)
            res.headers().set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, "*");
        }
        send(ctx, head, res);
    }

    static boolean notModified(String ifNoneMatch, String etag) {
        if (ifNoneMatch == null) return false;
        for (String t : ifNoneMatch.split(",")) {
            String tag = t.trim();
            if (tag.startsWith("W/")) tag = tag.substring(2);
            if (tag.equals(etag) || tag.equals("*")) return true;
        }
        return false;
    }

    private static void notFound(ChannelHandlerContext ctx, HttpRequest head) {
        send(ctx, head, HttpResponses.error(ErrorCode.NOT_FOUND, "no such file"));
    }

    private static void send(ChannelHandlerContext ctx, HttpRequest head, FullHttpResponse res) {
        res.headers().set("X-Content-Type-Options", "nosniff");
        res.headers().set("Referrer-Policy", "no-referrer");
        HttpResponses.send(ctx, head, res);
    }
}
