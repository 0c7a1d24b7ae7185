package io.hubbub.server.protocol.socketio;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.hubbub.core.protocol.EncodeCache;
import io.hubbub.core.protocol.Outbound;
import io.hubbub.server.transport.WsFrames;
import io.hubbub.server.transport.engineio.EngineIoCodec.Frame;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A Socket.IO packet encoded once into Engine.IO frames, to be written unchanged to many sockets.
 * The text frame holds the whole Engine.IO packet ({@code 42[...]}), which is both the WebSocket
 * frame payload and the polling payload element; pushes also carry it as a complete WebSocket frame.
 * Immutable; byte arrays are shared and must not be modified.
 */
public final class EncodedPacket {
    private final String namespace;
    private final List<Frame> frames;

    private EncodedPacket(String namespace, List<Frame> frames) {
        this.namespace = namespace;
        this.frames = List.copyOf(frames);
    }

    public static EncodedPacket of(SocketIoPacket packet) {
        SocketIoCodec.Encoded encoded = SocketIoCodec.encode(packet);
        List<Frame> frames = new ArrayList<>(1 + encoded.attachments().size());
        frames.add(Frame.message(encoded.text()));
        for (byte[] attachment : encoded.attachments()) {
            frames.add(new Frame(true, attachment));
        }
        return new EncodedPacket(packet.namespace(), frames);
    }

    /** An EVENT in {@code namespace}; arguments convert as in {@link SocketIoSocket#emit}. */
    public static EncodedPacket event(String namespace, String event, Object... args) {
        return of(new SocketIoPacket.Event(namespace, null, Args.eventArray(event, args)));
    }

    /**
     * A core push as a main-namespace EVENT {@code [type, payload]}, encoded at most once per
     * broadcast through the push's {@link EncodeCache}: slot {@link EncodeCache#SOCKETIO_POLLING}
     * holds the Engine.IO text packet (the polling payload element), slot
     * {@link EncodeCache#SOCKETIO_WS} the same packet as a complete WebSocket frame, which every
     * WebSocket receiver writes unchanged.
     */
    public static EncodedPacket push(Outbound.Push push) {
        return push(push, null);
    }

    /**
     * A core push as a main-namespace EVENT {@code [type, payload, offset]}: the connection-state-recovery
     * offset (the same for every receiver, since it names the publication) is the last argument; null
     * for none. Cached like {@link #push(Outbound.Push)}; a push is always sent either with or without
     * an offset, so the two share the cache slots.
     */
    public static EncodedPacket push(Outbound.Push push, String offset) {
        EncodedPacket cached = cachedPush(push);
        if (cached != null) {
            return cached;
        }
        Object[] args = offset == null ? new Object[] {push.payload()} : new Object[] {push.payload(), offset};
        EncodedPacket encoded = of(new SocketIoPacket.Event("/", null, Args.eventArray(push.type(), args)));
        return share(push, encoded);
    }

    /** Stores a push's encoding in its cache slots for the next receivers; returns the shared form. */
    private static EncodedPacket share(Outbound.Push push, EncodedPacket encoded) {
        if (encoded.frames.size() != 1) {
            return encoded; // binary attachments: not shared
        }
        byte[] text = push.cache().putIfAbsent(EncodeCache.SOCKETIO_POLLING, encoded.textBytes());
        byte[] ws = push.cache().putIfAbsent(EncodeCache.SOCKETIO_WS, WsFrames.text(text));
        return new EncodedPacket("/", List.of(new Frame(false, text, ws)));
    }

    /** The push as already encoded by {@link #push} for an earlier receiver, or null. */
    public static EncodedPacket cachedPush(Outbound.Push push) {
        byte[] text = push.cache().get(EncodeCache.SOCKETIO_POLLING);
        byte[] ws = push.cache().get(EncodeCache.SOCKETIO_WS);
        return text != null && ws != null ? new EncodedPacket("/", List.of(new Frame(false, text, ws))) : null;
    }

    /**
     * A relayed event as a main-namespace EVENT {@code [event, ...args]} (then {@code offset} when not
     * null): {@code args} is spread when it is an array, otherwise it is the one argument. Encoded at
     * most once per broadcast through the push's cache slots, like {@link #push(Outbound.Push)}; a push is
     * encoded either as a relay by every Socket.IO receiver or by none, so the slots are never ambiguous.
     */
    public static EncodedPacket relay(Outbound.Push push, String event, com.fasterxml.jackson.databind.JsonNode args, String offset) {
        EncodedPacket cached = cachedPush(push);
        if (cached != null) {
            return cached;
        }
        ArrayNode data = Args.eventArray(event, new Object[0]);
        if (args != null && args.isArray()) data.addAll((ArrayNode) args);
        else data.add(args == null ? com.fasterxml.jackson.databind.node.NullNode.getInstance() : args);
        if (offset != null) data.add(offset);
        return share(push, of(new SocketIoPacket.Event("/", null, data)));
    }

    public String namespace() {
        return namespace;
    }

    /** The Engine.IO text packet bytes (UTF-8, "4" prefix included). */
    public byte[] textBytes() {
        return frames.get(0).bytes();
    }

    public String text() {
        return new String(textBytes(), StandardCharsets.UTF_8);
    }

    /** The text frame followed by the binary attachments. */
    public List<Frame> frames() {
        return frames;
    }
}
