package io.hubbub.server.transport.engineio;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * HTTP entry point of one {@link EngineIoServer}: long-polling GET/POST, CORS preflight and the
 * WebSocket handshake (direct or as an upgrade of a polling session).
 *
 * <p>Mounting: either put this sharable handler in the pipeline after an {@code HttpServerCodec}
 * and {@code HttpObjectAggregator} (requests whose path is not under the configured path pass
 * through), or call {@link #handle} from a router with the request. {@code handle} never releases
 * the request; {@link #channelRead} does.
 *
 * <p>On a WebSocket handshake, Netty's handshaker swaps the HTTP codec for the WebSocket codec and
 * this handler installs a per-connection frame handler right after the WebSocket decoder; frames
 * never reach handlers further down the pipeline.
 *
 * <p>Engine.IO v3 (EIO=3, Socket.IO 2.x clients) is not supported: its length-prefixed payloads,
 * client-driven heartbeats and binary polling would need a second transport implementation. Such
 * requests get error 5 "Unsupported protocol version", like the reference server with
 * {@code allowEIO3: false}.
 */
@ChannelHandler.Sharable
public final class EngineIoHandler extends ChannelInboundHandlerAdapter {
    private static final String WS_DECODER = "wsdecoder";

    private final EngineIoServer server;
    private final EngineIoConfig config;
    private final String bare;

    public EngineIoHandler(EngineIoServer server) {
        this.server = server;
        this.config = server.config();
        String path = config.path();
        this.bare = path.substring(0, path.length() - 1);
    }

    public EngineIoServer server() {
        return server;
    }

    /** True when the request URI's path is this server's path (with or without trailing slash). */
    public boolean matches(String uri) {
        int q = uri.indexOf('?');
        String path = q < 0 ? uri : uri.substring(0, q);
        return path.equals(config.path()) || path.equals(bare);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof FullHttpRequest request && matches(request.uri())) {
            try {
                handle(ctx, request);
            } finally {
                request.release();
            }
        } else {
            ctx.fireChannelRead(msg);
        }
    }

    /** Serves one request under this server's path. Does not release {@code request}. */
    public void handle(ChannelHandlerContext ctx, FullHttpRequest request) {
        String origin = request.headers().get(HttpHeaderNames.ORIGIN);
        String corsOrigin = config.corsOrigin(origin);
        HttpReplies.Target target = new HttpReplies.Target(ctx, HttpUtil.isKeepAlive(request), corsOrigin);
        HttpMethod method = request.method();
        if (method.equals(HttpMethod.OPTIONS)) {
            preflight(target, request);
            return;
        }
        Map<String, List<String>> query = new QueryStringDecoder(request.uri()).parameters();
        String transport = first(query, "transport");
        String sid = first(query, "sid");
        if (transport == null || !config.transports().contains(transport)) {
            HttpReplies.error(target, EngineIoError.UNKNOWN_TRANSPORT);
            return;
        }
        if (!"4".equals(first(query, "EIO"))) {
            HttpReplies.error(target, EngineIoError.UNSUPPORTED_PROTOCOL_VERSION);
            return;
        }
        boolean upgrade = method.equals(HttpMethod.GET)
                && "websocket".equalsIgnoreCase(request.headers().get(HttpHeaderNames.UPGRADE));
        if (upgrade != transport.equals(EngineIoConfig.WEBSOCKET)) {
            HttpReplies.error(target, EngineIoError.BAD_REQUEST);
            return;
        }
        if (sid != null) {
            existingSession(target, request, sid, upgrade);
            return;
        }
        if (!method.equals(HttpMethod.GET)) {
            HttpReplies.error(target, EngineIoError.BAD_HANDSHAKE_METHOD);
            return;
        }
        Runnable release;
        try {
            release = server.admission().admit(ctx.channel(), request);
        } catch (EngineIoServer.Refused r) {
            HttpReplies.send(target, HttpResponseStatus.valueOf(r.status()), HttpReplies.JSON,
                    r.body().getBytes(StandardCharsets.UTF_8));
            return;
        }
        if (!server.reserve()) {
            release.run();
            HttpReplies.error(target, EngineIoError.SERVER_FULL);
            return;
        }
        EngineIoHandshake handshake = handshakeOf(ctx, request, query, transport);
        if (upgrade) {
            EngineIoWebSocketHandler handler = webSocketHandshake(ctx, request);
            if (handler == null) {
                server.unregisterReservation();
                release.run();
                return;
            }
            EngineIoSocket.openWebSocket(server, handler, handshake, release);
        } else {
            EngineIoSocket.openPolling(server, target, handshake, release);
        }
    }

    private void existingSession(HttpReplies.Target target, FullHttpRequest request, String sid, boolean upgrade) {
        EngineIoSocket socket = server.session(sid);
        if (socket == null) {
            // another node's session (cluster behind a non-sticky balancer): served by forwarding the poll
            PollingForwarder forwarder = server.forwarder();
            if (upgrade || forwarder == null || !forwarder.forward(target, request, sid)) {
                HttpReplies.error(target, EngineIoError.UNKNOWN_SID);
            }
        } else if (upgrade) {
            // Like the reference server, a WebSocket for a known sid always completes its handshake;
            // when the session cannot take it (already upgraded, or another probe in progress) the
            // socket decides on its loop and closes the new WebSocket with a close frame. Clients
            // (and the official suite) expect a clean WebSocket close here, not an HTTP error.
            EngineIoWebSocketHandler handler = webSocketHandshake(target.ctx(), request);
            if (handler != null) {
                handler.bind(socket);
                socket.loop().execute(() -> socket.onProbe(handler));
            }
        } else if (request.method().equals(HttpMethod.GET)) {
            socket.loop().execute(() -> socket.onPollGet(target));
        } else if (request.method().equals(HttpMethod.POST)) {
            if (request.content().readableBytes() > config.maxPayload()) {
                HttpReplies.error(target, EngineIoError.PAYLOAD_TOO_LARGE);
                socket.close();
                return;
            }
            String body = request.content().toString(StandardCharsets.UTF_8);
            socket.loop().execute(() -> socket.onPollPost(target, body));
        } else {
            HttpReplies.error(target, EngineIoError.BAD_REQUEST);
        }
    }

    /** Completes the WebSocket handshake and installs the frame handler; null when refused. */
    private EngineIoWebSocketHandler webSocketHandshake(ChannelHandlerContext ctx, FullHttpRequest request) {
        String url = "ws://" + request.headers().get(HttpHeaderNames.HOST, "localhost") + request.uri();
        WebSocketDecoderConfig decoderConfig = WebSocketDecoderConfig.newBuilder()
                .maxFramePayloadLength(config.maxPayload())
                .allowExtensions(false)
                .build();
        WebSocketServerHandshaker handshaker = new WebSocketServerHandshakerFactory(url, null, decoderConfig)
                .newHandshaker(request);
        if (handshaker == null) {
            WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel());
            return null;
        }
        handshaker.handshake(ctx.channel(), request);
        // joins fragments and checks UTF-8 itself (WsMessages): no validator or aggregator in the pipeline
        EngineIoWebSocketHandler handler = new EngineIoWebSocketHandler(config.maxPayload());
        ctx.pipeline().addAfter(WS_DECODER, "engineio-ws", handler);
        return handler;
    }

    private void preflight(HttpReplies.Target target, FullHttpRequest request) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NO_CONTENT, Unpooled.EMPTY_BUFFER);
        HttpReplies.cors(response, target.corsOrigin());
        if (target.corsOrigin() != null) {
            response.headers().set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS, "GET,HEAD,PUT,PATCH,POST,DELETE");
            String requested = request.headers().get(HttpHeaderNames.ACCESS_CONTROL_REQUEST_HEADERS);
            if (requested != null) {
                response.headers().set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, requested);
            }
        }
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
        target.ctx().writeAndFlush(response);
    }

    private static EngineIoHandshake handshakeOf(ChannelHandlerContext ctx, FullHttpRequest request,
                                                 Map<String, List<String>> query, String transport) {
        Map<String, String> headers = new HashMap<>();
        request.headers().forEach(h -> headers.merge(h.getKey().toLowerCase(java.util.Locale.ROOT), h.getValue(), (a, b) -> a + ", " + b));
        return new EngineIoHandshake(query, headers, ctx.channel().remoteAddress(), transport);
    }

    private static String first(Map<String, List<String>> query, String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }
}
