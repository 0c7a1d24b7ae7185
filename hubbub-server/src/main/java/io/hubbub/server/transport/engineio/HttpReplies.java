package io.hubbub.server.transport.engineio;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Writes complete HTTP responses for the polling transport; safe to call from any thread. */
final class HttpReplies {
    static final String TEXT = "text/plain; charset=UTF-8";
    static final String HTML = "text/html; charset=UTF-8";
    static final String JSON = "application/json";

    /** Where a response goes: the request's channel, its keep-alive flag and the CORS origin to echo (or null). */
    record Target(ChannelHandlerContext ctx, boolean keepAlive, String corsOrigin) {}

    private HttpReplies() {}

    static void send(Target target, HttpResponseStatus status, String contentType, byte[] body) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.wrappedBuffer(body));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        cors(response, target.corsOrigin());
        write(target, response, body.length);
    }

    /**
     * Relays another node's answer: its status, body and the headers named in {@code keep}
     * (lower-case); framing headers are this connection's own.
     */
    static void relay(Target target, int status, Map<String, List<String>> headers, Set<String> keep, byte[] body) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status),
                Unpooled.wrappedBuffer(body));
        headers.forEach((name, values) -> {
            if (keep.contains(name.toLowerCase(Locale.ROOT))) response.headers().add(name, values);
        });
        write(target, response, body.length);
    }

    private static void write(Target target, FullHttpResponse response, int length) {
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, length);
        if (target.keepAlive()) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            target.ctx().writeAndFlush(response);
        } else {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            target.ctx().writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }

    static void error(Target target, EngineIoError error) {
        send(target, HttpResponseStatus.valueOf(error.status()), JSON, error.json().getBytes(StandardCharsets.UTF_8));
    }

    static void cors(FullHttpResponse response, String corsOrigin) {
        if (corsOrigin != null) {
            response.headers().set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, corsOrigin);
            if (!"*".equals(corsOrigin)) {
                response.headers().set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_CREDENTIALS, "true");
                response.headers().set(HttpHeaderNames.VARY, "Origin");
            }
        }
    }
}
