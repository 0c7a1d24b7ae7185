package io.hubbub.server.protocol.nativejson;

import io.hubbub.core.auth.Principal;
import io.hubbub.core.feature.adapter.ProtocolAdapter;
import io.hubbub.core.limit.TokenBucket;
import io.hubbub.core.node.HubbubNode;
import io.hubbub.core.protocol.ErrorCode;
import io.hubbub.core.protocol.HubbubException;
import io.hubbub.core.session.Session;
import io.hubbub.server.transport.ClientAddress;
import io.hubbub.server.transport.ConnectionLimiter;
import io.hubbub.server.transport.HttpEndpoint;
import io.hubbub.server.transport.HttpResponses;
import io.hubbub.server.transport.NativeConnection;
import io.hubbub.server.transport.TransportSettings;
import io.hubbub.server.transport.TransportStats;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The native protocol's WebSocket endpoint ({@code /ws}), and the same transport for a feature's
 * {@link ProtocolAdapter} on its own path (the adapter only replaces the frame codec: limits,
 * heartbeats, outbox, rate limits, origin checks and metrics are this endpoint's). Before upgrading it checks, in order:
 * draining, method/headers, Origin, protocol version, connection limits, memory pressure and the
 * handshake token — each refusal is an HTTP error with the documented JSON body, so clients see why.
 * After the upgrade it installs the native pipeline and opens the core session.
 */
public final class NativeWebSocketEndpoint implements HttpEndpoint {
    public static final String SUBPROTOCOL = "hubbub.v1";

    private final HubbubNode node;
    private final TransportSettings settings;
    private final ConnectionLimiter limiter;
    private final TransportStats stats;
    private final BooleanSupplier overloaded;
    private final String path;
    private final ProtocolAdapter adapter; // null: the native protocol
    private final WebSocketDecoderConfig decoderConfig; // immutable: one for every connection of this endpoint
    private final InboundMessages messages; // the native protocol's, stateless: one for every connection

    public NativeWebSocketEndpoint(HubbubNode node, TransportSettings settings, ConnectionLimiter limiter,
                                   TransportStats stats, BooleanSupplier overloaded) {
        this(node, settings, limiter, stats, overloaded, settings.wsPath(), null);
    }

    private NativeWebSocketEndpoint(HubbubNode node, TransportSettings settings, ConnectionLimiter limiter,
                                    TransportStats stats, BooleanSupplier overloaded, String path, ProtocolAdapter adapter) {
        this.node = node;
        this.settings = settings;
        this.limiter = limiter;
        this.stats = stats;
        this.overloaded = overloaded;
        this.path = path;
        this.adapter = adapter;
        this.decoderConfig = WebSocketDecoderConfig.newBuilder()
                .maxFramePayloadLength(settings.wireFrameLimit()).allowExtensions(settings.compression())
                .closeOnProtocolViolation(false) // NativeSessionHandler closes with the code, lingering (see NativeConnection.close)
                .build();
        this.messages = InboundMessages.nativeJson(settings.maxFrameBytes(), settings.wireFrameLimit());
    }

    /** The endpoint of a feature's protocol adapter on {@code path}. */
    public static NativeWebSocketEndpoint adapter(HubbubNode node, TransportSettings settings, ConnectionLimiter limiter,
                                                 TransportStats stats, BooleanSupplier overloaded, String path,
                                                 ProtocolAdapter adapter) {
        return new NativeWebSocketEndpoint(node, settings, limiter, stats, overloaded, path, adapter);
    }

    @Override
    public boolean matches(String path) {
        return path.equals(this.path);
    }

    @Override
    public void handle(ChannelHandlerContext ctx, FullHttpRequest req) {
        try {
            upgrade(ctx, req);
        } catch (HubbubException e) {
            stats.refused();
            if (e instanceof ConnectionLimiter.Refused r) node.telemetry().limitHit(r.limit());
            node.telemetry().error(e.code());
            HttpResponses.send(ctx, req, HttpResponses.error(e.code(), e.getMessage()));
        } finally {
            req.release();
        }
    }

    private void upgrade(ChannelHandlerContext ctx, FullHttpRequest req) {
        if (node.isDraining()) throw HubbubException.unavailable("server is shutting down; reconnect to another node");
        if (req.method() != HttpMethod.GET || !req.headers().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)) {
            throw HubbubException.badRequest("expected a WebSocket upgrade (GET with Upgrade: websocket)");
        }
        String origin = req.headers().get(HttpHeaderNames.ORIGIN);
        if (origin != null && !settings.anyOrigin() && !settings.allowedOrigins().contains(origin)) {
            throw HubbubException.forbidden("origin not allowed");
        }
        QueryStringDecoder q = new QueryStringDecoder(req.uri());
        if (adapter == null) { // a foreign format has its own versions, if any
            String v = first(q, "v");
            if (v != null && !v.equals("1")) throw HubbubException.badRequest("unsupported protocol version '" + v + "'; this server speaks 1");
            String protocols = req.headers().get(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL);
            if (v == null && protocols != null && !protocols.contains(SUBPROTOCOL)) {
                throw HubbubException.badRequest("unsupported subprotocol; this server speaks " + SUBPROTOCOL);
            }
        }
        if (overloaded.getAsBoolean()) {
            node.telemetry().limitHit("memory");
            throw HubbubException.unavailable("server is under memory pressure; retry later");
        }
        Principal principal = null;
        String token = bearer(req.headers().get(HttpHeaderNames.AUTHORIZATION));
        if (token == null) token = first(q, "token");
        if (token != null) principal = node.tokens().verify(token);

        String ip = ClientAddress.of(ctx.channel(), req, settings.trustedProxies());
        limiter.acquire(ip);
        Channel ch = ctx.channel();
        ch.closeFuture().addListener(f -> limiter.release(ip));

        String scheme = settings.tls() ? "wss" : "ws";
        WebSocketServerHandshaker hs = new WebSocketServerHandshakerFactory(
                scheme + "://" + req.headers().get(HttpHeaderNames.HOST) + path, adapter == null ? SUBPROTOCOL : null, decoderConfig).newHandshaker(req);
        if (hs == null) {
            WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ch);
            return;
        }
        boolean deflate = settings.compression() && String.valueOf(req.headers().get(HttpHeaderNames.SEC_WEBSOCKET_EXTENSIONS)).contains("permessage-deflate");
        Principal p = principal;
        hs.handshake(ch, req).addListener(f -> {
            if (!f.isSuccess()) {
                ch.close();
                return;
            }
            install(ch, ip, p, deflate, q.parameters());
        });
    }

    private void install(Channel ch, String ip, Principal principal, boolean deflate, java.util.Map<String, List<String>> query) {
        ChannelPipeline pl = ch.pipeline();
        // the HTTP phase's handlers the handshake leaves behind: an idle connection should not keep them
        for (String name : List.of("router", "http-idle", "http-keepalive")) if (pl.get(name) != null) pl.remove(name);
        AdapterFrames.Binding binding = adapter == null ? null : AdapterFrames.bind(adapter, ip, query);
        NativeConnection conn = new NativeConnection(ch, ip, settings.outboundQueueFrames(), deflate,
                settings.compressionMinBytes(), stats, binding == null ? null : binding.codec(), adapter == null ? "native" : adapter.name());
        Session session = node.open(conn, principal);
        if (binding != null) binding.session(session);
        long interval = settings.heartbeatInterval().toMillis();
        int intervals = (int) Math.max(2, (settings.heartbeatTimeout().toMillis() + interval - 1) / interval);
        NativeSessionHandler handler = new NativeSessionHandler(node, session, conn, stats, interval, TimeUnit.MILLISECONDS, intervals,
                new TokenBucket(node.settings().framesPerSecond(), node.settings().frameBurst()),
                binding == null ? messages : InboundMessages.adapter(binding.codec(), settings.maxFrameBytes(), settings.wireFrameLimit()));
        pl.addLast("native-session", handler);
        if (binding != null) { // the format's own start-up events (e.g. subscriptions from the URL), as if sent first
            List<Object> first = new java.util.ArrayList<>();
            try {
                first.addAll(binding.codec().opened());
            } catch (HubbubException e) {
                first.add(e);
            }
            // queued behind the handshake token's authentication, which node.open queued on this same loop
            if (!first.isEmpty()) ch.eventLoop().execute(() -> first.forEach(handler::opened));
        }
    }

    static String bearer(String header) {
        if (header == null) return null;
        if (header.regionMatches(true, 0, "Bearer ", 0, 7)) return header.substring(7).trim();
        return null;
    }

    static String first(QueryStringDecoder q, String name) {
        List<String> v = q.parameters().get(name);
        return v == null || v.isEmpty() ? null : v.getFirst();
    }
}
