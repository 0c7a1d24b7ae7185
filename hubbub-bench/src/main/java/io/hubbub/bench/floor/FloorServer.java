package io.hubbub.bench.floor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.AttributeKey;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The floor reference: a minimal Netty WebSocket fan-out server with none of Hubbub's features (no
 * auth, limits, history, presence, bounded queues). It speaks the subset of the native protocol the
 * load generator uses, encodes each broadcast once into a shared buffer, writes without flushing and
 * flushes each receiving connection once per event-loop turn. What Hubbub costs above it is the price
 * of its features.
 */
public final class FloorServer {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AttributeKey<AtomicBoolean> FLUSH = AttributeKey.valueOf("floor.flush");
    private static final AttributeKey<String> USER = AttributeKey.valueOf("floor.user");
    private final Map<String, Room> rooms = new ConcurrentHashMap<>();

    private record Room(Set<Channel> members, AtomicLong offset) {}

    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8092;
        new FloorServer().run(port);
    }

    void run(int port) throws InterruptedException {
        boolean epoll = Epoll.isAvailable();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(0, epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        Class<? extends ServerSocketChannel> type = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        Channel server = new ServerBootstrap().group(group).channel(type)
                .option(ChannelOption.SO_BACKLOG, 4096)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(65536),
                                new WebSocketServerProtocolHandler(WebSocketServerProtocolConfig.newBuilder()
                                        .websocketPath("/ws").checkStartsWith(true).maxFramePayloadLength(65536).build()),
                                new Handler());
                    }
                }).bind("127.0.0.1", port).sync().channel();
        System.out.println("floor server listening on " + port + (epoll ? " (epoll)" : " (nio)"));
        server.closeFuture().sync();
    }

    private final class Handler extends SimpleChannelInboundHandler<TextWebSocketFrame> {
        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete hc) {
                String uri = hc.requestUri();
                int at = uri.indexOf("user=");
                String user = at < 0 ? ctx.channel().id().asShortText() : uri.substring(at + 5).split("&")[0];
                ctx.channel().attr(USER).set(user);
                ctx.channel().attr(FLUSH).set(new AtomicBoolean());
                ctx.writeAndFlush(new TextWebSocketFrame("{\"type\":\"session:welcome\",\"payload\":{\"user\":{\"id\":\"" + user + "\"}}}"));
            }
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, TextWebSocketFrame frame) throws Exception {
            JsonNode f = JSON.readTree(new io.netty.buffer.ByteBufInputStream(frame.content()));
            JsonNode p = f.path("payload");
            String room = p.path("room").asText();
            JsonNode id = f.get("id");
            switch (f.path("type").asText()) {
                case "room:create", "room:join" -> {
                    Room r = rooms.computeIfAbsent(room, k -> new Room(ConcurrentHashMap.newKeySet(), new AtomicLong()));
                    r.members().add(ctx.channel());
                    ctx.channel().closeFuture().addListener(x -> r.members().remove(ctx.channel()));
                    reply(ctx, id, "{\"position\":{\"epoch\":\"e\",\"offset\":" + r.offset().get() + "}}");
                }
                case "room:leave" -> {
                    Room r = rooms.get(room);
                    if (r != null) r.members().remove(ctx.channel());
                    reply(ctx, id, "{}");
                }
                case "message:send" -> {
                    Room r = rooms.get(room);
                    if (r == null) return;
                    long offset = r.offset().incrementAndGet();
                    String user = ctx.channel().attr(USER).get();
                    String out = "{\"type\":\"message:new\",\"payload\":{\"room\":\"" + room + "\",\"offset\":" + offset
                            + ",\"epoch\":\"e\",\"ts\":" + System.currentTimeMillis() + ",\"from\":{\"id\":\"" + user
                            + "\",\"name\":\"" + user + "\"},\"data\":" + p.path("data") + "}}";
                    ByteBuf shared = ByteBufUtil.writeUtf8(ctx.alloc(), out);
                    try {
                        for (Channel m : r.members()) write(m, shared);
                    } finally {
                        shared.release();
                    }
                    reply(ctx, id, "{\"offset\":" + offset + "}");
                }
                case "ping" -> reply(ctx, id, "{\"ts\":" + System.currentTimeMillis() + "}");
                default -> { }
            }
        }

        private void reply(ChannelHandlerContext ctx, JsonNode id, String payload) {
            if (id != null) ctx.writeAndFlush(new TextWebSocketFrame("{\"type\":\"reply\",\"id\":" + id + ",\"payload\":" + payload + "}"));
        }
    }

    /** Writes without flushing; the receiver is flushed once per turn of its event loop. */
    private static void write(Channel ch, ByteBuf shared) {
        ch.write(new TextWebSocketFrame(shared.retainedDuplicate()), ch.voidPromise());
        AtomicBoolean pending = ch.attr(FLUSH).get();
        if (pending != null && pending.compareAndSet(false, true)) {
            ch.eventLoop().execute(() -> {
                pending.set(false);
                ch.flush();
            });
        }
    }
}
