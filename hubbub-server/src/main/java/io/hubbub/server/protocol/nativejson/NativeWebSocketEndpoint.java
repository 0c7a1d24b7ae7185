package io.hubbub.server.protocol.nativejson;

import io.hubbub.core.auth.Principal;
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
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.handler.timeout.IdleStateHandler;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The native protocol's WebSocket endpoint ({@code /ws}). Before upgrading it checks, in order:
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

    public NativeWebSocketEndpoint(HubbubNode node, TransportSettings settings, ConnectionLimiter limiter,
                                   TransportStats stats, BooleanSupplier overloaded) {
        this.node = node;
        this.settings = settings;
        this.limiter = limiter;
        this.stats = stats;
        this.overloaded = overloaded;
    }

    @Override
    public boolean matches(String path) {
        return path.equals(settings.wsPath());
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
        String v = first(q, "v");
        if (v != null && !v.equals("1")) throw HubbubException.badRequest("unsupported protocol version '" + v + "'; this server speaks 1");
        String protocols = req.headers().get(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL);
        if (v == null && protocols != null && !protocols.contains(SUBPROTOCOL)) {
            throw HubbubException.badRequest("unsupported subprotocol; this server speaks " + SUBPROTOCOL);
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

        int wireLimit = Math.max(settings.maxFrameBytes() * 4, 16 * 1024);
        WebSocketDecoderConfig dc = WebSocketDecoderConfig.newBuilder()
                .maxFramePayloadLength(wireLimit).allowExtensions(settings.compression())
                .closeOnProtocolViolation(false) // NativeSessionHandler closes with the code, lingering (see NativeConnection.close)
                .build();
        String scheme = settings.tls() ? "wss" : "ws";
        WebSocketServerHandshaker hs = new WebSocketServerHandshakerFactory(
                scheme + "://" + req.headers().get(HttpHeaderNames.HOST) + settings.wsPath(), SUBPROTOCOL, dc).newHandshaker(req);
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
            install(ch, ip, p, deflate);
        });
    }

    private void install(Channel ch, String ip, Principal principal, boolean deflate) {
        ChannelPipeline pl = ch.pipeline();
        for (String name : List.of("router", "http-idle")) if (pl.get(name) != null) pl.remove(name);
        NativeConnection conn = new NativeConnection(ch, ip, settings.outboundQueueFrames(), deflate,
                settings.compressionMinBytes(), stats);
        Session session = node.open(conn, principal);
        long interval = settings.heartbeatInterval().toMillis();
        int intervals = (int) Math.max(2, (settings.heartbeatTimeout().toMillis() + interval - 1) / interval);
        pl.addLast("ws-aggregator", new WebSocketFrameAggregator(Math.max(settings.maxFrameBytes() * 4, 16 * 1024)));
        pl.addLast("heartbeat", new IdleStateHandler(interval, 0, 0, TimeUnit.MILLISECONDS));
        pl.addLast("native-decoder", new NativeFrameDecoder(settings.maxFrameBytes()));
        pl.addLast("native-session", new NativeSessionHandler(node, session, conn, stats, intervals));
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
