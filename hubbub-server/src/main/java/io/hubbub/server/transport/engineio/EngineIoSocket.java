package io.hubbub.server.transport.engineio;

import io.hubbub.server.transport.engineio.EngineIoCodec.Frame;
import io.hubbub.server.transport.engineio.EngineIoCodec.Packet;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.concurrent.GenericFutureListener;
import io.netty.util.concurrent.ScheduledFuture;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One Engine.IO session (one sid).
 *
 * <p>Threading: all state is owned by {@link #loop()}, the event loop of the channel that made the
 * handshake. Requests and frames that arrive on other channels hop onto this loop; the public
 * methods may be called from any thread and hop too. The {@link Listener} is called on this loop.
 *
 * <p>Outbound packets wait in a queue bounded by {@link EngineIoConfig#maxQueuedPackets()} until a
 * poll arrives or the WebSocket is writable; overflow closes the session (never a silent gap).
 */
public final class EngineIoSocket {

    /** Application callbacks, always on the socket's loop. Must not block. */
    public interface Listener {
        void onMessage(String text);

        void onBinary(byte[] data);

        void onClose(String reason);

        /** The WebSocket took everything queued and can take more (after being backed up). */
        default void onWritable() {}

        /**
         * The client answered a ping: once per {@code pingInterval} while the session lives. A periodic
         * tick for per-connection housekeeping that wants no timer of its own.
         */
        default void onHeartbeat() {}
    }

    private static final Listener NO_LISTENER = new Listener() {
        public void onMessage(String text) {}

        public void onBinary(byte[] data) {}

        public void onClose(String reason) {}
    };
    private static final byte[] NOOP_PAYLOAD = {EngineIoCodec.NOOP};
    private static final byte[] CLOSE_PAYLOAD = {EngineIoCodec.CLOSE};
    private static final byte[] OK = "ok".getBytes(StandardCharsets.UTF_8);

    private final EngineIoServer server;
    private final EngineIoConfig config;
    private final String id;
    private final EventLoop loop;
    private final EngineIoHandshake handshake;
    private final ArrayDeque<Frame> queue = new ArrayDeque<>();

    private Listener listener = NO_LISTENER;
    private volatile boolean websocket; // written on the loop; transport() may be read from any thread
    private boolean closed;
    private HttpReplies.Target pendingGet;
    private GenericFutureListener<ChannelFuture> pendingGetWatch;
    private EngineIoWebSocketHandler ws;
    private EngineIoWebSocketHandler probe;
    private boolean upgrading;
    private ScheduledFuture<?> pingTimer;
    private ScheduledFuture<?> pongTimer;
    private ScheduledFuture<?> upgradeTimer;
    private long heartbeatDeadline; // System.nanoTime() by which the next PONG must have arrived
    private Runnable release = () -> {}; // the admission's slot (EngineIoServer.Admission), freed once at close

    private EngineIoSocket(EngineIoServer server, String id, EventLoop loop, EngineIoHandshake handshake) {
        this.server = server;
        this.config = server.config();
        this.id = id;
        this.loop = loop;
        this.handshake = handshake;
    }

    public String id() {
        return id;
    }

    public EventLoop loop() {
        return loop;
    }

    public EngineIoHandshake handshake() {
        return handshake;
    }

    /** "polling" or "websocket" (the current transport). Loop-confined read. */
    public String transport() {
        return websocket ? EngineIoConfig.WEBSOCKET : EngineIoConfig.POLLING;
    }

    /** Packets waiting for a poll or a writable WebSocket. Loop-confined read. */
    public int queuedPackets() {
        return queue.size();
    }

    /**
     * Whether the transport can take more now: a WebSocket below its write-buffer high-water mark.
     * Polling always can (its queue is bounded by {@link EngineIoConfig#maxQueuedPackets()}). Any thread;
     * on the loop {@link #canTakeMore()} is exact.
     */
    public boolean writable() {
        if (!websocket) return true;
        EngineIoWebSocketHandler h = ws;
        return h == null || h.isWritable();
    }

    /**
     * {@link #writable()}, and for a WebSocket also nothing left in this socket's queue (frames left there
     * mean it was backed up a moment ago; {@link Listener#onWritable()} follows when they are out). Loop only.
     */
    public boolean canTakeMore() {
        return !websocket || (queue.isEmpty() && writable());
    }

    /** The WebSocket is writable again: writes what is queued, then tells the listener if all of it went. Loop only. */
    void writableAgain() {
        flush();
        if (!closed && websocket && queue.isEmpty() && ws != null && ws.isWritable()) listener.onWritable();
    }

    /** Sets the callbacks; call on the loop (normally inside the server's connection listener). */
    public void listener(Listener listener) {
        this.listener = listener == null ? NO_LISTENER : listener;
    }

    /** Sends a text message (Engine.IO type 4). Any thread. */
    public void send(String text) {
        sendAll(List.of(Frame.message(text)));
    }

    /** Sends a binary message. Any thread; the array must not be modified afterwards. */
    public void send(byte[] data) {
        sendAll(List.of(new Frame(true, data)));
    }

    /**
     * Enqueues frames atomically (no other send interleaves), e.g. a Socket.IO binary packet and its
     * attachments. Text frames carry whole pre-encoded packets (type digit included), so one encoding
     * can be shared by many sockets. Any thread.
     */
    public void sendAll(List<Frame> frames) {
        if (loop.inEventLoop()) {
            enqueue(frames);
        } else {
            loop.execute(() -> enqueue(frames));
        }
    }

    /** Closes the session from the server side. Any thread; idempotent. */
    public void close() {
        if (loop.inEventLoop()) {
            close("forced close", false);
        } else {
            loop.execute(() -> close("forced close", false));
        }
    }

    // ---- opening --------------------------------------------------------------------------------

    static void openPolling(EngineIoServer server, HttpReplies.Target target, EngineIoHandshake handshake, Runnable release) {
        EngineIoSocket socket = new EngineIoSocket(server, server.newSid(), target.ctx().channel().eventLoop(), handshake);
        socket.release = release;
        socket.open(false);
        socket.onPollGet(target);
    }

    static void openWebSocket(EngineIoServer server, EngineIoWebSocketHandler handler, EngineIoHandshake handshake, Runnable release) {
        EngineIoSocket socket = new EngineIoSocket(server, server.newSid(), handler.eventLoop(), handshake);
        socket.release = release;
        socket.websocket = true;
        socket.ws = handler;
        handler.bind(socket);
        socket.open(true);
    }

    private void open(boolean viaWebSocket) {
        server.register(this);
        boolean canUpgrade = !viaWebSocket && config.transports().contains(EngineIoConfig.WEBSOCKET);
        queue.add(Frame.text(EngineIoCodec.OPEN + "{\"sid\":\"" + id + "\",\"upgrades\":"
                + (canUpgrade ? "[\"websocket\"]" : "[]") + ",\"pingInterval\":" + config.pingInterval()
                + ",\"pingTimeout\":" + config.pingTimeout() + ",\"maxPayload\":" + config.maxPayload() + "}"));
        server.fireConnection(this);
        schedulePing();
        flush();
    }

    // ---- polling --------------------------------------------------------------------------------

    void onPollGet(HttpReplies.Target target) {
        checkHeartbeat();
        if (closed) {
            HttpReplies.error(target, EngineIoError.UNKNOWN_SID);
        } else if (websocket) {
            HttpReplies.error(target, EngineIoError.BAD_REQUEST);
        } else if (pendingGet != null) {
            // A second concurrent GET is a protocol violation: refuse it and end the session.
            HttpReplies.error(target, EngineIoError.BAD_REQUEST);
            close("transport error", false);
        } else if (upgrading) {
            HttpReplies.send(target, HttpResponseStatus.OK, HttpReplies.TEXT, NOOP_PAYLOAD);
        } else {
            pendingGet = target;
            // A client that abandons its poll has gone: the reference server closes the session.
            pendingGetWatch = future -> loop.execute(() -> {
                if (pendingGet == target) {
                    pendingGet = null;
                    close("transport close", true);
                }
            });
            target.ctx().channel().closeFuture().addListener(pendingGetWatch);
            flush();
        }
    }

    void onPollPost(HttpReplies.Target target, String body) {
        checkHeartbeat();
        if (closed) {
            HttpReplies.error(target, EngineIoError.UNKNOWN_SID);
            return;
        }
        if (websocket) {
            HttpReplies.error(target, EngineIoError.BAD_REQUEST);
            return;
        }
        List<Packet> packets;
        try {
            packets = EngineIoCodec.decodePayload(body);
        } catch (EngineIoCodec.DecodeException e) {
            HttpReplies.error(target, EngineIoError.BAD_REQUEST);
            close("parse error", false);
            return;
        }
        HttpReplies.send(target, HttpResponseStatus.OK, HttpReplies.HTML, OK);
        for (Packet packet : packets) {
            if (closed) {
                return;
            }
            onPacket(packet);
        }
    }

    private HttpReplies.Target takePendingGet() {
        HttpReplies.Target target = pendingGet;
        if (target != null) {
            target.ctx().channel().closeFuture().removeListener(pendingGetWatch);
            pendingGet = null;
            pendingGetWatch = null;
        }
        return target;
    }

    // ---- websocket ------------------------------------------------------------------------------

    /** A WebSocket with this sid was opened: it becomes the upgrade probe if an upgrade is possible. */
    void onProbe(EngineIoWebSocketHandler handler) {
        checkHeartbeat();
        if (closed || websocket || probe != null) {
            handler.close();
            return;
        }
        probe = handler;
    }

    void onWsText(EngineIoWebSocketHandler handler, String text) {
        checkHeartbeat();
        if (handler == probe) {
            onProbeText(text);
            return;
        }
        if (handler != ws || closed) {
            return;
        }
        try {
            onPacket(EngineIoCodec.decodeText(text));
        } catch (EngineIoCodec.DecodeException e) {
            close("parse error", false);
        }
    }

    void onWsBinary(EngineIoWebSocketHandler handler, byte[] data) {
        checkHeartbeat();
        if (handler == ws && !closed) {
            listener.onBinary(data);
        } else if (handler == probe) {
            abandonUpgrade();
        }
    }

    void onWsClosed(EngineIoWebSocketHandler handler) {
        if (handler == probe) {
            abandonUpgrade();
        } else if (handler == ws) {
            close("transport close", true);
        }
    }

    private void onProbeText(String text) {
        if (!upgrading && "2probe".equals(text)) {
            upgrading = true;
            probe.write(Frame.text("3probe"));
            probe.flush();
            // End the pending poll so the client can pause polling and finish the upgrade.
            HttpReplies.Target get = takePendingGet();
            if (get != null) {
                HttpReplies.send(get, HttpResponseStatus.OK, HttpReplies.TEXT, NOOP_PAYLOAD);
            }
            upgradeTimer = loop.schedule(this::abandonUpgrade, config.upgradeTimeout(), TimeUnit.MILLISECONDS);
        } else if (upgrading && String.valueOf(EngineIoCodec.UPGRADE).equals(text)) {
            cancel(upgradeTimer);
            upgrading = false;
            websocket = true;
            ws = probe;
            probe = null;
            HttpReplies.Target get = takePendingGet();
            if (get != null) {
                HttpReplies.send(get, HttpResponseStatus.OK, HttpReplies.TEXT, NOOP_PAYLOAD);
            }
            flush();
        } else {
            abandonUpgrade();
        }
    }

    private void abandonUpgrade() {
        cancel(upgradeTimer);
        if (probe != null) {
            probe.close();
            probe = null;
        }
        if (upgrading) {
            upgrading = false;
            flush();
        }
    }

    // ---- packets and heartbeat ------------------------------------------------------------------

    private void onPacket(Packet packet) {
        switch (packet.type()) {
            case EngineIoCodec.MESSAGE -> {
                if (packet.isBinary()) {
                    listener.onBinary(packet.binary());
                } else {
                    listener.onMessage(packet.data());
                }
            }
            case EngineIoCodec.PONG -> {
                cancel(pongTimer);
                pongTimer = null;
                schedulePing();
                listener.onHeartbeat();
            }
            case EngineIoCodec.CLOSE -> close("transport close", true);
            // v4 heartbeats go server -> client; a client PING is the v3 direction and is refused.
            case EngineIoCodec.PING -> close("invalid heartbeat direction", false);
            default -> { } // OPEN, UPGRADE and NOOP carry nothing on an established transport
        }
    }

    /**
     * The heartbeat contract is a deadline: the session is dead once {@code pingInterval + pingTimeout}
     * have passed since the handshake or the last PONG without a new PONG. The timers below enforce it
     * when the client is silent; this check enforces it when the client's next request or frame races
     * with the timeout task on the loop (a timer due in the same loop iteration runs after tasks that
     * are already queued), so a request that arrives after the deadline never finds a live session.
     */
    private void checkHeartbeat() {
        if (!closed && System.nanoTime() - heartbeatDeadline >= 0) {
            close("ping timeout", false);
        }
    }

    private void schedulePing() {
        heartbeatDeadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(config.pingInterval() + config.pingTimeout());
        cancel(pingTimer);
        pingTimer = loop.schedule(() -> {
            enqueue(List.of(Frame.text(String.valueOf(EngineIoCodec.PING))));
            cancel(pongTimer);
            pongTimer = loop.schedule(() -> close("ping timeout", false), config.pingTimeout(), TimeUnit.MILLISECONDS);
        }, config.pingInterval(), TimeUnit.MILLISECONDS);
    }

    // ---- outbound -------------------------------------------------------------------------------

    private void enqueue(List<Frame> frames) {
        if (closed) {
            return;
        }
        if (queue.size() + frames.size() > config.maxQueuedPackets()) {
            close("queue overflow", false);
            return;
        }
        for (int i = 0; i < frames.size(); i++) {
            queue.add(frames.get(i)); // not addAll: it copies the list into an array first
        }
        flush();
    }

    /** Writes queued packets to whatever transport can take them now. Loop only. */
    void flush() {
        if (closed || queue.isEmpty()) {
            return;
        }
        if (websocket) {
            boolean wrote = false;
            while (!queue.isEmpty() && ws.isWritable()) {
                ws.write(queue.poll());
                wrote = true;
            }
            if (wrote) {
                ws.flush();
            }
        } else if (!upgrading && pendingGet != null) {
            List<Frame> frames = new ArrayList<>(queue);
            queue.clear();
            HttpReplies.send(takePendingGet(), HttpResponseStatus.OK, HttpReplies.TEXT, EngineIoCodec.encodePayload(frames));
        }
    }

    private void close(String reason, boolean byClient) {
        if (closed) {
            return;
        }
        if (websocket && !byClient) {
            flush(); // deliver what the transport can take before the close
        }
        closed = true;
        cancel(pingTimer);
        cancel(pongTimer);
        cancel(upgradeTimer);
        server.unregister(this);
        Runnable r = release;
        release = () -> {};
        r.run();
        HttpReplies.Target get = takePendingGet();
        if (get != null) {
            HttpReplies.send(get, HttpResponseStatus.OK, HttpReplies.TEXT, byClient ? NOOP_PAYLOAD : CLOSE_PAYLOAD);
        }
        if (ws != null) {
            ws.close();
        }
        if (probe != null) {
            probe.close();
            probe = null;
        }
        queue.clear();
        listener.onClose(reason);
    }

    private static void cancel(ScheduledFuture<?> future) {
        if (future != null) {
            future.cancel(false);
        }
    }
}
