package io.hubbub.server.protocol.socketio;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.hubbub.core.protocol.EncodeCache;
import io.hubbub.core.protocol.Outbound;
import io.hubbub.server.transport.engineio.EngineIoCodec.Frame;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A Socket.IO packet encoded once into Engine.IO frames, to be written unchanged to many sockets.
 * The text frame holds the whole Engine.IO packet ({@code 42[...]}), which is both the WebSocket
 * frame payload and the polling payload element, so one encoding serves both transports (the
 * {@code SOCKETIO_POLLING} cache slot is therefore not needed). Immutable; byte arrays are shared
 * and must not be modified.
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
     * broadcast through the push's {@link EncodeCache} slot {@link EncodeCache#SOCKETIO_WS}.
     */
    public static EncodedPacket push(Outbound.Push push) {
        byte[] cached = push.cache().get(EncodeCache.SOCKETIO_WS);
        if (cached != null) {
            return new EncodedPacket("/", List.of(new Frame(false, cached)));
        }
        ArrayNode data = Args.eventArray(push.type(), new Object[] {push.payload()});
        EncodedPacket encoded = of(new SocketIoPacket.Event("/", null, data));
        if (encoded.frames.size() == 1) {
            push.cache().putIfAbsent(EncodeCache.SOCKETIO_WS, encoded.textBytes());
        }
        return encoded;
    }

    /**
     * A core push as a main-namespace EVENT {@code [type, payload, offset]}: the connection-state-recovery
     * offset (the same for every receiver, since it names the publication) is the last argument.
     * Encoded at most once per broadcast, like {@link #push(Outbound.Push)}; a push is always sent
     * either with or without an offset, so the two share the cache slot.
     */
    public static EncodedPacket push(Outbound.Push push, String offset) {
        if (offset == null) {
            return push(push);
        }
        byte[] cached = push.cache().get(EncodeCache.SOCKETIO_WS);
        if (cached != null) {
            return new EncodedPacket("/", List.of(new Frame(false, cached)));
        }
        ArrayNode data = Args.eventArray(push.type(), new Object[] {push.payload(), offset});
        EncodedPacket encoded = of(new SocketIoPacket.Event("/", null, data));
        if (encoded.frames.size() == 1) {
            push.cache().putIfAbsent(EncodeCache.SOCKETIO_WS, encoded.textBytes());
        }
        return encoded;
    }

    /**
     * A relayed event as a main-namespace EVENT {@code [event, ...args]} (then {@code offset} when not
     * null): {@code args} is spread when it is an array, otherwise it is the one argument. Encoded at
     * most once per broadcast through the push's {@link EncodeCache#SOCKETIO_WS} slot; a push is
     * encoded either as a relay by every Socket.IO receiver or by none, so the slot is never ambiguous.
     */
    public static EncodedPacket relay(Outbound.Push push, String event, com.fasterxml.jackson.databind.JsonNode args, String offset) {
        byte[] cached = push.cache().get(EncodeCache.SOCKETIO_WS);
        if (cached != null) {
            return new EncodedPacket("/", List.of(new Frame(false, cached)));
        }
        ArrayNode data = Args.eventArray(event, new Object[0]);
        if (args != null && args.isArray()) data.addAll((ArrayNode) args);
        else data.add(args == null ? com.fasterxml.jackson.databind.node.NullNode.getInstance() : args);
        if (offset != null) data.add(offset);
        EncodedPacket encoded = of(new SocketIoPacket.Event("/", null, data));
        if (encoded.frames.size() == 1) {
            push.cache().putIfAbsent(EncodeCache.SOCKETIO_WS, encoded.textBytes());
        }
        return encoded;
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
