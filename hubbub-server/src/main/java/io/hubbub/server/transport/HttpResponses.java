package io.hubbub.server.transport;

import com.fasterxml.jackson.databind.JsonNode;
import io.hubbub.core.protocol.ErrorCode;
import io.hubbub.core.protocol.Json;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;

import java.nio.charset.StandardCharsets;

/** Writing HTTP responses: JSON bodies, the documented error shape {@code {"error":{code,message}}}, keep-alive. */
public final class HttpResponses {
    private HttpResponses() {}

    public static FullHttpResponse json(int status, JsonNode body) {
        return bytes(status, Json.bytes(body), "application/json");
    }

    public static FullHttpResponse text(int status, String body, String contentType) {
        return bytes(status, body.getBytes(StandardCharsets.UTF_8), contentType);
    }

    public static FullHttpResponse bytes(int status, byte[] body, String contentType) {
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status),
                Unpooled.wrappedBuffer(body));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        r.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        return r;
    }

    public static FullHttpResponse error(ErrorCode code, String message) {
        var body = Json.object();
        body.putObject("error").put("code", code.wire()).put("message", message);
        return json(code.httpStatus(), body);
    }

    /** Sends and honours keep-alive; safe from any thread. */
    public static void send(ChannelHandlerContext ctx, HttpRequest req, FullHttpResponse res) {
        boolean keepAlive = req != null && HttpUtil.isKeepAlive(req);
        if (keepAlive) {
            res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            ctx.writeAndFlush(res);
        } else {
            res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
