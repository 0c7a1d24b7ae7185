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
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        cors(response, target.corsOrigin());
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
