package io.hubbub.bench.floor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
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
import io.netty.util.internal.PlatformDependent;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The floor reference: a minimal Netty WebSocket fan-out server with none of Hubbub's features (no
 * auth, limits, history, presence, bounded queues). It speaks the subset of the native protocol the
 * load generator uses and does the physically cheapest fan-out we know of: each broadcast is encoded
 * once into one buffer holding the complete WebSocket frame (header included) and handed to every
 * event loop that owns members of the room as one queued item; each loop drains its items in one
 * task, writes the shared bytes to its members without flushing and flushes every written connection
 * once per drain. So at high rates several messages to a subscriber go out in one write, the way
 * Hubbub batches per connection. What Hubbub costs above it is the price of its features.
 *
 * <p>Threading: a room's members are partitioned by event loop; a partition is only touched by its
 * loop (a channel joins and leaves on its own loop), so fan-out takes no lock.
 */
public final class FloorServer {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AttributeKey<String> USER = AttributeKey.valueOf("floor.user");
    private final Map<String, Room> rooms = new ConcurrentHashMap<>();
    private final Map<EventLoop, Batcher> batchers = new ConcurrentHashMap<>();

    /** A member as its loop sees it; {@code dirty} means written since the last flush. Loop-confined. */
    private static final class Member {
        final Channel channel;
        boolean dirty;

        Member(Channel channel) {
            this.channel = channel;
        }
    }

    private record Room(Map<EventLoop, List<Member>> partitions, AtomicLong offset) {
        List<Member> partition(EventLoop loop) {
            return partitions.computeIfAbsent(loop, l -> new ArrayList<>());
        }
    }

    private record Item(List<Member> members, ByteBuf frame) {}

    /** One per event loop: broadcasts waiting for the loop's next drain. */
    private static final class Batcher implements Runnable {
        private final EventLoop loop;
        private final Queue<Item> items = PlatformDependent.newMpscQueue();
        private final AtomicBoolean scheduled = new AtomicBoolean();
        private final List<Member> dirty = new ArrayList<>();

        Batcher(EventLoop loop) {
            this.loop = loop;
        }

        void add(List<Member> members, ByteBuf frame) {
            items.offer(new Item(members, frame));
            if (scheduled.compareAndSet(false, true)) loop.execute(this);
        }

        @Override
        public void run() {
            scheduled.set(false);
            Item item;
            while ((item = items.poll()) != null) {
                List<Member> members = item.members();
                for (int i = 0; i < members.size(); i++) { // by index: a close may remove a member meanwhile
                    Member m = members.get(i);
                    if (!m.channel.isActive()) continue;
                    m.channel.write(item.frame().retainedDuplicate(), m.channel.voidPromise());
                    if (!m.dirty) {
                        m.dirty = true;
                        dirty.add(m);
                    }
                }
                item.frame().release();
            }
            for (Member m : dirty) {
                m.dirty = false;
                m.channel.flush();
            }
            dirty.clear();
        }
    }

    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8092;
        run(port);
    }

    /** Runs a floor server on {@code port} until its listener closes. */
    static void run(int port) throws InterruptedException {
        try (InProcess floor = start(port, 0)) {
            System.out.println("floor server listening on " + floor.port() + (Epoll.isAvailable() ? " (epoll)" : " (nio)"));
            floor.server.closeFuture().sync();
        }
    }

    /** A floor server running inside this JVM; closing it stops its listener and event loops. */
    public record InProcess(Channel server, EventLoopGroup group) implements AutoCloseable {
        public int port() {
            return ((java.net.InetSocketAddress) server.localAddress()).getPort();
        }

        @Override
        public void close() {
            server.close().syncUninterruptibly();
            group.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /** Starts a floor server on 127.0.0.1:{@code port} (0: any free port) with {@code loops} event loops (0: Netty's default). */
    public static InProcess start(int port, int loops) throws InterruptedException {
        FloorServer floor = new FloorServer();
        boolean epoll = Epoll.isAvailable();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(loops, epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
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
                                floor.new Handler());
                    }
                }).bind("127.0.0.1", port).sync().channel();
        return new InProcess(server, group);
    }

    private final class Handler extends SimpleChannelInboundHandler<TextWebSocketFrame> {
        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete hc) {
                String uri = hc.requestUri();
                int at = uri.indexOf("user=");
                String user = at < 0 ? ctx.channel().id().asShortText() : uri.substring(at + 5).split("&")[0];
                ctx.channel().attr(USER).set(user);
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
                    Room r = rooms.computeIfAbsent(room, k -> new Room(new ConcurrentHashMap<>(), new AtomicLong()));
                    List<Member> partition = r.partition(ctx.channel().eventLoop());
                    if (partition.stream().noneMatch(m -> m.channel == ctx.channel())) {
                        partition.add(new Member(ctx.channel()));
                        // close listeners run on the channel's loop, the partition's owner
                        ctx.channel().closeFuture().addListener(x -> partition.removeIf(m -> m.channel == ctx.channel()));
                    }
                    reply(ctx, id, "{\"position\":{\"epoch\":\"e\",\"offset\":" + r.offset().get() + "}}");
                }
                case "room:leave" -> {
                    Room r = rooms.get(room);
                    if (r != null) r.partition(ctx.channel().eventLoop()).removeIf(m -> m.channel == ctx.channel());
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
                    ByteBuf shared = wsTextFrame(ctx, out);
                    try {
                        r.partitions().forEach((loop, members) -> {
                            if (!members.isEmpty()) batchers.computeIfAbsent(loop, Batcher::new).add(members, shared.retain());
                        });
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

    /** A complete unmasked WebSocket text frame (FIN, opcode 1) holding {@code text}. */
    private static ByteBuf wsTextFrame(ChannelHandlerContext ctx, String text) {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        int n = payload.length;
        ByteBuf buf = ctx.alloc().directBuffer(n + 10);
        buf.writeByte(0x81);
        if (n < 126) {
            buf.writeByte(n);
        } else if (n < 65536) {
            buf.writeByte(126).writeShort(n);
        } else {
            buf.writeByte(127).writeLong(n);
        }
        return buf.writeBytes(payload);
    }
}
