package io.hubbub.bench.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakerFactory;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.util.CharsetUtil;

import java.net.URI;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * One load-generator connection. Runs entirely on its channel's event loop: requests must be made
 * from that loop ({@link #request} hops there itself). Bench messages are recognised by the marker
 * {@code "bq":[seq,sendNanos,source]} in their data and handled without any JSON parsing; other
 * frames (welcome, replies, acks, Engine.IO control packets) are parsed with Jackson.
 */
public final class LoadClient extends SimpleChannelInboundHandler<Object> {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] MARKER = "\"bq\":[".getBytes(CharsetUtil.US_ASCII);
    private static final byte[] OFFSET = "\"offset\":".getBytes(CharsetUtil.US_ASCII);

    public final int index;
    public final String user;
    private final Endpoint endpoint;
    private final Stats stats;
    private final WebSocketClientHandshaker handshaker;
    /** Completes when the server accepted the session (native welcome / Socket.IO CONNECT ack). */
    public final CompletableFuture<LoadClient> ready = new CompletableFuture<>();
    public final CompletableFuture<Void> closed = new CompletableFuture<>();
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new HashMap<>();
    private Channel channel;
    /** When the upgrade request was sent (System.nanoTime); connect latency runs from here to {@link #ready}. */
    private long upgradeSentNanos;
    private int nextId = 1;
    private int[] lastSeq = new int[0];
    private long received;
    private final long[] scratch = new long[1];
    /** Parse the offset of each message (resume needs it; costs a scan per message). */
    public volatile boolean trackOffsets;
    /** Position tracking for resume (only the last offset of the one room a client is in). */
    private volatile long lastOffset = -1;
    public volatile String epoch;
    public volatile String resumeToken;
    public volatile boolean intentionalClose;
    /** Socket.IO connection state recovery: the private session id from the CONNECT reply, and the last event offset. */
    public volatile String sioPid;
    private volatile String sioOffset;
    /** Socket.IO: the CONNECT reply carried the pid this client presented (the server recovered the session). */
    public volatile boolean sioRecovered;

    /** Receives frames containing {@link #frameMarker} (raw bytes, on the event loop) instead of the default handling. */
    public interface FrameSink {
        void onFrame(ByteBuf buf, long nowNanos);
    }

    /** When set with {@link #frameSink}: frames containing these bytes go to the sink. */
    public volatile byte[] frameMarker;
    public volatile FrameSink frameSink;

    /** Called on the connection's loop for every bench message after it was recorded (signal: the answering peer). */
    public interface BenchListener {
        void onBench(LoadClient client, int seq, long sentNanos, int source, long latencyMicros);
    }

    /** Optional; set before messages flow. */
    public volatile BenchListener listener;

    public LoadClient(int index, String user, Endpoint endpoint, Stats stats) {
        this.index = index;
        this.user = user;
        this.endpoint = endpoint;
        this.stats = stats;
        URI uri = URI.create("ws://" + endpoint.host() + ":" + endpoint.port() + endpoint.protocol().requestUri(user, endpoint.token(user)));
        this.handshaker = WebSocketClientHandshakerFactory.newHandshaker(uri, WebSocketVersion.V13, null, false,
                new DefaultHttpHeaders(), 1 << 20);
    }

    /** Expects messages from {@code sources} sources (indices 0..sources-1) in this client's room. */
    public void expectSources(int sources) {
        lastSeq = new int[sources];
        Arrays.fill(lastSeq, -1);
    }

    /**
     * Carries sequence tracking and position over from a dropped connection of the same user. Call
     * it only after {@code old.closed} completed: until then the old connection may still read
     * messages, and the position copied here would trail the sequence numbers it shares.
     */
    public void continueFrom(LoadClient old) {
        lastSeq = old.lastSeq;
        received = old.received;
        lastOffset = old.lastOffset;
        epoch = old.epoch;
        trackOffsets = old.trackOffsets;
        sioPid = old.sioPid;
        sioOffset = old.sioOffset;
    }

    /** A fire-and-forget message:send frame in this client's protocol. */
    public String eventPayload(String payloadJson) {
        return endpoint.protocol().event("message:send", payloadJson);
    }

    public Channel channel() {
        return channel;
    }

    public long received() {
        return received;
    }

    public long lastOffset() {
        return lastOffset;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        upgradeSentNanos = System.nanoTime();
        handshaker.handshake(channel);
        ready.thenRun(() -> stats.recordConnect((System.nanoTime() - upgradeSentNanos) / 1000));
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        // a client that never became ready (refused, timed out) is counted where it failed, not as a disconnect
        if (!intentionalClose && ready.isDone() && !ready.isCompletedExceptionally()) stats.disconnects.increment();
        ready.completeExceptionally(new IllegalStateException("connection closed before the session was ready"));
        pending.values().forEach(f -> f.completeExceptionally(new IllegalStateException("connection closed")));
        pending.clear();
        closed.complete(null);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ready.completeExceptionally(cause);
        ctx.close();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
        if (!handshaker.isHandshakeComplete()) {
            handshaker.finishHandshake(ctx.channel(), (FullHttpResponse) msg);
            if (endpoint.guest() && endpoint.protocol() == Protocol.NATIVE)
                ctx.writeAndFlush(new TextWebSocketFrame("{\"type\":\"auth\",\"id\":1,\"payload\":{\"guest\":true,\"name\":\"" + user + "\"}}"));
            return;
        }
        switch (msg) {
            case TextWebSocketFrame text -> onText(text.content());
            case PingWebSocketFrame ping -> ctx.writeAndFlush(new PongWebSocketFrame(ping.content().retain()));
            case CloseWebSocketFrame close -> ctx.close();
            default -> { }
        }
    }

    private void onText(ByteBuf buf) {
        byte[] fm = frameMarker;
        if (fm != null && indexOf(buf, fm, buf.readerIndex()) >= 0) {
            frameSink.onFrame(buf, System.nanoTime());
            return;
        }
        int at = indexOf(buf, MARKER, buf.readerIndex());
        if (at >= 0) {
            onBenchMessage(buf, at + MARKER.length);
            return;
        }
        String text = buf.toString(CharsetUtil.UTF_8);
        try {
            switch (endpoint.protocol()) {
                case NATIVE -> onNativeControl(text);
                case SOCKETIO -> onSocketIoControl(text);
                case PEERJS -> onPeerJsControl(text);
            }
        } catch (Exception e) {
            stats.errors.increment();
        }
    }

    private void onBenchMessage(ByteBuf buf, int at) {
        long now = System.nanoTime();
        long[] out = scratch;
        int p = parseLong(buf, at, out);
        int seq = (int) out[0];
        p = parseLong(buf, p + 1, out);
        long sentAt = out[0];
        parseLong(buf, p + 1, out);
        int source = (int) out[0];
        received++;
        stats.received.increment();
        stats.record((now - sentAt) / 1000);
        BenchListener l = listener;
        if (l != null) l.onBench(this, seq, sentAt, source, (now - sentAt) / 1000);
        if (source < lastSeq.length) {
            if (seq <= lastSeq[source]) stats.reordered.increment();
            else lastSeq[source] = seq;
        }
        if (!trackOffsets) return;
        if (endpoint.protocol() == Protocol.SOCKETIO) {
            sioOffset = lastStringArgument(buf);
            return;
        }
        int off = indexOf(buf, OFFSET, buf.readerIndex());
        if (off >= 0) {
            parseLong(buf, off + OFFSET.length, out);
            lastOffset = out[0];
        }
    }

    private void onNativeControl(String text) throws Exception {
        JsonNode frame = JSON.readTree(text);
        String type = frame.path("type").asText();
        switch (type) {
            case "session:welcome" -> {
                resumeToken = frame.path("payload").path("resumeToken").asText(null);
                ready.complete(this);
            }
            case "reply", "error" -> {
                CompletableFuture<JsonNode> f = frame.has("id") ? pending.remove(frame.get("id").asInt()) : null;
                if (f == null) {
                    if (type.equals("error")) stats.errors.increment();
                } else if (type.equals("reply")) f.complete(frame.path("payload"));
                else f.completeExceptionally(new IllegalStateException(frame.path("payload").toString()));
            }
            default -> { }
        }
    }

    private void onPeerJsControl(String text) throws Exception {
        String type = JSON.readTree(text).path("type").asText();
        switch (type) {
            case "OPEN" -> ready.complete(this);
            case "ERROR", "ID-TAKEN" -> {
                stats.errors.increment();
                ready.completeExceptionally(new IllegalStateException("PeerJS refused: " + text));
            }
            default -> { } // HEARTBEAT, LEAVE, EXPIRE
        }
    }

    private void onSocketIoControl(String text) throws Exception {
        if (text.isEmpty()) return;
        switch (text.charAt(0)) {
            case '0' -> { // Engine.IO open: connect to the main namespace with the token as auth
                String token = endpoint.token(user);
                String recovery = sioPid == null || sioOffset == null ? ""
                        : ",\"pid\":\"" + sioPid + "\",\"offset\":\"" + sioOffset + "\"";
                String auth = "{\"user\":\"" + user + "\"" + (token == null ? "" : ",\"token\":\"" + token + "\"") + recovery + "}";
                send("40" + auth);
            }
            case '2' -> send("3"); // Engine.IO ping
            case '4' -> onSocketIoPacket(text.substring(1));
            default -> { }
        }
    }

    private void onSocketIoPacket(String packet) throws Exception {
        if (packet.isEmpty()) return;
        char type = packet.charAt(0);
        if (type == '0') {
            String pid = JSON.readTree(packet.substring(1)).path("pid").asText(null);
            sioRecovered = pid != null && pid.equals(sioPid);
            sioPid = pid;
            ready.complete(this);
        }
        else if (type == '4') ready.completeExceptionally(new IllegalStateException("Socket.IO connect refused: " + packet));
        else if (type == '3') {
            int i = 1;
            while (i < packet.length() && Character.isDigit(packet.charAt(i))) i++;
            CompletableFuture<JsonNode> f = pending.remove(Integer.parseInt(packet.substring(1, i)));
            JsonNode args = JSON.readTree(packet.substring(i));
            JsonNode result = args.path(0);
            if (f == null) return;
            if (result.has("error")) f.completeExceptionally(new IllegalStateException(result.toString()));
            else f.complete(result);
        }
    }

    /** Sends a request and completes with the reply payload (or fails with the error). Any thread. */
    public CompletableFuture<JsonNode> request(String event, String payloadJson) {
        CompletableFuture<JsonNode> f = new CompletableFuture<>();
        channel.eventLoop().execute(() -> {
            if (!channel.isActive()) {
                f.completeExceptionally(new IllegalStateException("not connected"));
                return;
            }
            int id = nextId++;
            pending.put(id, f);
            send(endpoint.protocol().request(event, id, payloadJson));
        });
        return f;
    }

    /** Sends a text frame and flushes. Event loop only. */
    public void send(String text) {
        channel.writeAndFlush(new TextWebSocketFrame(text));
    }

    /** Writes a text frame without flushing. Event loop only. */
    public void write(String text) {
        channel.write(new TextWebSocketFrame(text));
    }

    /** The JSON payload of a bench message to a room; {@code pad} makes the data about the asked size. */
    public static String publishPayload(String room, int seq, int source, String pad) {
        return "{\"room\":\"" + room + "\",\"data\":{\"bq\":[" + seq + "," + System.nanoTime() + "," + source + "],\"p\":\"" + pad + "\"}}";
    }

    /** The last argument of a Socket.IO event {@code 42[..., "x"]} when it is a string (the recovery offset), else null. */
    private static String lastStringArgument(ByteBuf buf) {
        int end = buf.writerIndex() - 1;
        if (end < 2 || buf.getByte(end) != ']' || buf.getByte(end - 1) != '"') return null;
        int start = end - 2;
        while (start >= buf.readerIndex() && buf.getByte(start) != '"') start--;
        return start < buf.readerIndex() ? null : buf.toString(start + 1, end - 1 - (start + 1), CharsetUtil.UTF_8);
    }

    public static int indexOf(ByteBuf buf, byte[] needle, int from) {
        int end = buf.writerIndex() - needle.length;
        outer:
        for (int i = from; i <= end; i++) {
            if (buf.getByte(i) != needle[0]) continue;
            for (int j = 1; j < needle.length; j++) if (buf.getByte(i + j) != needle[j]) continue outer;
            return i;
        }
        return -1;
    }

    /** Parses a non-negative decimal at {@code at}; returns the index after it. */
    public static int parseLong(ByteBuf buf, int at, long[] out) {
        long v = 0;
        int i = at;
        int end = buf.writerIndex();
        while (i < end) {
            byte b = buf.getByte(i);
            if (b < '0' || b > '9') break;
            v = v * 10 + (b - '0');
            i++;
        }
        out[0] = v;
        return i;
    }
}
