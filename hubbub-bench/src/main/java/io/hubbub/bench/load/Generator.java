package io.hubbub.bench.load;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The load generator's connections: a few event loops (epoll when available) holding many
 * connections each. Connections come from source addresses 127.0.0.2 … 127.0.0.(1+sourceAddresses)
 * so one generator can go past the ephemeral ports of a single address pair. Connecting is bounded:
 * at most {@code inFlight} handshakes at once, each with a timeout.
 */
public final class Generator implements AutoCloseable {
    private final EventLoopGroup group;
    private final Class<? extends SocketChannel> channelType;
    private final int sourceAddresses;
    private final Semaphore inFlight;

    public Generator(int loops, int sourceAddresses, int inFlight) {
        boolean epoll = Epoll.isAvailable();
        this.group = new MultiThreadIoEventLoopGroup(loops, epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        this.channelType = epoll ? EpollSocketChannel.class : NioSocketChannel.class;
        this.sourceAddresses = Math.max(1, sourceAddresses);
        this.inFlight = new Semaphore(inFlight);
    }

    public EventLoopGroup group() {
        return group;
    }

    /** Starts connecting one client; the future completes when its session is ready. */
    public CompletableFuture<LoadClient> connect(LoadClient client, Endpoint endpoint) throws InterruptedException {
        inFlight.acquire();
        Bootstrap b = new Bootstrap().group(group).channel(channelType)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
                .option(ChannelOption.SO_REUSEADDR, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(65536), client);
                    }
                });
        String local = "127.0.0." + (2 + client.index % sourceAddresses);
        ChannelFuture cf = b.connect(new InetSocketAddress(endpoint.host(), endpoint.port()), new InetSocketAddress(local, 0));
        cf.addListener(f -> {
            if (!f.isSuccess()) client.ready.completeExceptionally(f.cause());
            else cf.channel().eventLoop().schedule(() -> {
                if (!client.ready.isDone()) {
                    client.ready.completeExceptionally(new IllegalStateException("session not ready within 15 s"));
                    cf.channel().close();
                }
            }, 15, TimeUnit.SECONDS);
        });
        client.ready.whenComplete((c, e) -> inFlight.release());
        return client.ready;
    }

    /** Connects all clients, bounded in flight; returns the ones that became ready. */
    public List<LoadClient> connectAll(List<LoadClient> clients, Endpoint endpoint, Progress progress) throws InterruptedException {
        return connectAll(clients, endpoint, progress, 0);
    }

    /**
     * Connects all clients, bounded in flight; with {@code perSecond > 0} client i starts at
     * t0 + i / perSecond (open loop: a slow server does not slow the pace, it only fills the
     * in-flight bound). Returns the ones that became ready.
     */
    public List<LoadClient> connectAll(List<LoadClient> clients, Endpoint endpoint, Progress progress, double perSecond) throws InterruptedException {
        List<CompletableFuture<LoadClient>> futures = new ArrayList<>(clients.size());
        long t0 = System.nanoTime();
        for (LoadClient c : clients) {
            if (perSecond > 0) {
                long due = t0 + (long) (futures.size() * 1e9 / perSecond);
                for (long wait; (wait = due - System.nanoTime()) > 0; ) java.util.concurrent.locks.LockSupport.parkNanos(wait);
            }
            futures.add(connect(c, endpoint));
            progress.tick("connecting " + futures.size() + "/" + clients.size());
        }
        List<LoadClient> ok = new ArrayList<>(clients.size());
        Throwable first = null;
        for (CompletableFuture<LoadClient> f : futures) {
            try {
                ok.add(f.get(30, TimeUnit.SECONDS));
            } catch (Exception e) {
                if (first == null) first = e;
            }
        }
        if (first != null) progress.note("connect failures: " + (clients.size() - ok.size()) + " (first: " + rootMessage(first) + ")");
        return ok;
    }

    public static void closeAll(List<LoadClient> clients) {
        for (LoadClient c : clients) {
            Channel ch = c.channel();
            c.intentionalClose = true;
            if (ch != null) ch.close();
        }
        for (LoadClient c : clients) {
            try {
                c.closed.get(5, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // best effort
            }
        }
    }

    static String rootMessage(Throwable t) {
        while (t.getCause() != null) t = t.getCause();
        return t.getClass().getSimpleName() + ": " + t.getMessage();
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
