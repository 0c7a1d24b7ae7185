package io.hubbub.server.transport;

import io.hubbub.core.protocol.ErrorCode;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.QueryStringDecoder;

import java.util.List;

/** Hands each HTTP request to the first {@link HttpEndpoint} that serves its path. */
public final class HttpRequestRouter extends SimpleChannelInboundHandler<FullHttpRequest> {
    private final List<HttpEndpoint> endpoints;

    public HttpRequestRouter(List<HttpEndpoint> endpoints) {
        super(false); // endpoints own (release) the request
        this.endpoints = endpoints;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        DecoderResult dr = req.decoderResult();
        if (dr.isFailure()) {
            req.release();
            HttpResponses.send(ctx, null, HttpResponses.error(ErrorCode.BAD_REQUEST, "malformed HTTP request"));
            return;
        }
        String path = new QueryStringDecoder(req.uri()).path();
        for (HttpEndpoint e : endpoints) {
            if (e.matches(path)) {
                e.handle(ctx, req);
                return;
            }
        }
        req.release();
        HttpResponses.send(ctx, req, HttpResponses.error(ErrorCode.NOT_FOUND, "no such path"));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
