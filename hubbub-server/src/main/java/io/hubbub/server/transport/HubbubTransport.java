package io.hubbub.server.transport;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Binds the shared HTTP/WebSocket port. Uses native epoll when available (Linux), NIO otherwise.
 * {@code ioThreads} event loops (one per core when 0, see {@link #loops}); connections are spread
 * across loops by Netty.
 */
public final class HubbubTransport implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HubbubTransport.class);

    private final EventLoopGroup group;
    private final Channel server;
    private final boolean epoll;

    public HubbubTransport(TransportSettings settings, List<HttpEndpoint> endpoints) throws Exception {
        this(settings, endpoints, DescriptorReserve.none());
    }

    /** With a descriptor reserve: accepted sockets are closed at once when its last half is reached. */
    public HubbubTransport(TransportSettings settings, List<HttpEndpoint> endpoints, DescriptorReserve descriptors) throws Exception {
        this(settings, endpoints, descriptors, null);
    }

    /** Runs against a loopback listener before the public port is bound (see {@link HubbubTransport#HubbubTransport(TransportSettings, List, DescriptorReserve, Warmup)}). */
    @FunctionalInterface
    public interface Warmup {
        void run(InetSocketAddress loopback) throws Exception;
    }

    /**
     * With a warm-up (null = none): first a listener on 127.0.0.1 and a free port, with the same pipeline and
     * endpoints but without TLS, is handed to {@code warmup}; it is closed when that returns, and only then
     * is the public port bound, so no client can reach the node before it is warm. A failing warm-up is
     * logged and the node starts anyway.
     */
    public HubbubTransport(TransportSettings settings, List<HttpEndpoint> endpoints, DescriptorReserve descriptors, Warmup warmup)
            throws Exception {
        this.epoll = Epoll.isAvailable() && !Boolean.getBoolean("hubbub.nio");
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        Class<? extends ServerChannel> channelType = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        this.group = new MultiThreadIoEventLoopGroup(loops(settings.ioThreads()), io);
        SslContext ssl = settings.tls()
                ? SslContextBuilder.forServer(settings.tlsCert().toFile(), settings.tlsKey().toFile(), settings.tlsKeyPassword()).build()
                : null;
        int high = (int) Math.min(Integer.MAX_VALUE, Math.max(64 * 1024, settings.outboundQueueBytes()));
        ServerBootstrap b = new ServerBootstrap()
                .group(group)
                .channel(channelType)
                .option(ChannelOption.SO_BACKLOG, 4096)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(high / 2, high))
                // one allocator for all connections (its settings are immutable; each channel still sizes its reads
                // through its own handle): Netty's default is an allocator per channel, 32 B per idle connection
                .childOption(ChannelOption.RCVBUF_ALLOCATOR, new AdaptiveRecvByteBufAllocator())
                .childHandler(new HubbubInitializer(settings, ssl, endpoints, descriptors));
        try {
            if (warmup != null) warmUp(b.clone().childHandler(new HubbubInitializer(settings, null, endpoints, descriptors)), warmup);
            this.server = b.bind(new InetSocketAddress(settings.host(), settings.port())).sync().channel();
        } catch (Exception e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
        log.info("listening on {}:{} ({}, I/O threads: {}{})", settings.host(), port(), epoll ? "epoll" : "nio", ioThreads(),
                ssl != null ? ", TLS" : "");
    }

    private static void warmUp(ServerBootstrap loopback, Warmup warmup) throws InterruptedException {
        Channel ch = loopback.bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        try {
            warmup.run((InetSocketAddress) ch.localAddress());
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            log.warn("warm-up failed ({}); listening without it", e.toString());
        } finally {
            ch.close().sync();
        }
    }

    /**
     * The event loops for a configured {@code ioThreads}: 0 means one per core (Netty's own default is two
     * per core, which measured more CPU per delivery for the same fan-out; see {@code ServerConfig.ioThreads}).
     */
    static int loops(int configured) {
        return configured > 0 ? configured : io.netty.util.NettyRuntime.availableProcessors();
    }

    /** Number of event loops (I/O threads) serving connections. */
    public int ioThreads() {
        int n = 0;
        for (io.netty.util.concurrent.EventExecutor ignored : group) {
            n++;
        }
        return n;
    }

    /** The bound port (useful when configured as 0). */
    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /**
     * Measures event-loop lag: schedules a no-op on every loop and reports how long it waited to run.
     * Cheap (one task per loop per call); called once a second by the server.
     */
    public void probeLag(java.util.function.LongConsumer lagNanos) {
        for (io.netty.util.concurrent.EventExecutor loop : group) {
            long t0 = System.nanoTime();
            loop.execute(() -> lagNanos.accept(System.nanoTime() - t0));
        }
    }

    public boolean nativeEpoll() {
        return epoll;
    }

    /** Stops accepting new connections; existing ones keep running. */
    public void stopAccepting() {
        server.close().syncUninterruptibly();
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
