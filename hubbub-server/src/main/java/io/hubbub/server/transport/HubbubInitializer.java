package io.hubbub.server.transport;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.codec.http.websocketx.extensions.compression.WebSocketServerCompressionHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.ReadTimeoutHandler;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The one place the pipeline of a new connection is assembled: [TLS] → HTTP codec → keep-alive →
 * aggregator → [WebSocket compression] → HTTP phase read timeout → router. Endpoints replace the
 * HTTP handlers with their own when they upgrade a connection to WebSocket.
 */
public final class HubbubInitializer extends ChannelInitializer<SocketChannel> {
    private final TransportSettings settings;
    private final SslContext ssl;
    private final List<HttpEndpoint> endpoints;
    private final DescriptorReserve descriptors;

    public HubbubInitializer(TransportSettings settings, SslContext ssl, List<HttpEndpoint> endpoints) {
        this(settings, ssl, endpoints, DescriptorReserve.none());
    }

    public HubbubInitializer(TransportSettings settings, SslContext ssl, List<HttpEndpoint> endpoints, DescriptorReserve descriptors) {
        this.descriptors = descriptors;
        this.settings = settings;
        this.ssl = ssl;
        this.endpoints = List.copyOf(endpoints);
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        descriptors.accepted(ch);
        if (descriptors.acceptRefused()) {
            // the last half of limits.fileDescriptorReserve is the process's own (database, logs, /health)
            ch.close();
            return;
        }
        ChannelPipeline p = ch.pipeline();
        if (ssl != null) p.addLast("tls", ssl.newHandler(ch.alloc()));
        p.addLast("http", new HttpServerCodec());
        p.addLast("http-keepalive", new HttpServerKeepAliveHandler());
        p.addLast("http-aggregator", new HttpObjectAggregator(settings.maxHttpBodyBytes()));
        // maxAllocation: a compressed frame is refused while it inflates past the wire frame limit (a
        // decompression bomb costs at most that much memory and CPU), closed with 1009 by the session handler
        if (settings.compression()) p.addLast("ws-compression", new WebSocketServerCompressionHandler(settings.wireFrameLimit()));
        long idle = settings.idleTimeout().isZero() ? settings.handshakeTimeout().toMillis()
                : Math.max(settings.handshakeTimeout().toMillis(), settings.idleTimeout().toMillis());
        p.addLast("http-idle", new ReadTimeoutHandler(idle, TimeUnit.MILLISECONDS));
        p.addLast("router", new HttpRequestRouter(endpoints));
    }
}
