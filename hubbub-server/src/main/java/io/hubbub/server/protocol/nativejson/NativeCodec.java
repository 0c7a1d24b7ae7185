package io.hubbub.server.protocol.nativejson;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubbub.core.protocol.EncodeCache;
import io.hubbub.core.protocol.Envelope;
import io.hubbub.core.protocol.HubbubException;
import io.hubbub.core.protocol.Json;
import io.hubbub.core.protocol.Outbound;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The native protocol's JSON envelope (docs/PROTOCOL.md "Frames"): decoding of client frames with
 * strict validation, and encoding of {@link Outbound} frames. Pushes are encoded once per broadcast
 * into their {@link EncodeCache} as a complete unmasked WebSocket text frame (header included), so a
 * broadcast costs one encode and one shared byte array whatever the number of receivers.
 * Stateless and thread-safe.
 */
public final class NativeCodec {
    public static final int SLOT = EncodeCache.NATIVE_TEXT;
    private static final JsonFactory FACTORY = Json.MAPPER.getFactory();
    private static final int MAX_TYPE_LENGTH = 64;

    private NativeCodec() {}

    /**
     * Parses one client frame. Errors carry the frame's id when it could be read, so the client can
     * match the error to its request.
     */
    public static Envelope decode(InputStream in) {
        JsonNode root;
        try (JsonParser p = FACTORY.createParser(in)) {
            p.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
            if (p.nextToken() != JsonToken.START_OBJECT) throw new DecodeException(null, "a frame must be a JSON object");
            root = Json.MAPPER.readTree(p);
            if (p.nextToken() != null) throw new DecodeException(null, "trailing data after the JSON object");
        } catch (DecodeException e) {
            throw e;
        } catch (IOException e) {
            throw new DecodeException(null, "malformed JSON");
        }
        Long id = null;
        JsonNode idNode = root.get("id");
        if (idNode != null && !idNode.isNull()) {
            if (!idNode.isIntegralNumber() || !idNode.canConvertToLong() || idNode.longValue() < 0) {
                throw new DecodeException(null, "'id' must be a non-negative integer");
            }
            id = idNode.longValue();
        }
        JsonNode type = root.get("type");
        if (type == null || !type.isTextual() || type.textValue().isEmpty()) throw new DecodeException(id, "missing string field 'type'");
        if (type.textValue().length() > MAX_TYPE_LENGTH) throw new DecodeException(id, "'type' is over 64 characters");
        JsonNode payload = root.get("payload");
        if (payload == null || payload.isNull()) payload = Json.object();
        else if (!payload.isObject()) throw new DecodeException(id, "'payload' must be an object");
        return new Envelope(type.textValue(), id, payload);
    }

    /** A frame that could not be decoded; {@code id} is null when it could not be read. */
    public static final class DecodeException extends HubbubException {
        private final Long id;

        public DecodeException(Long id, String message) {
            super(io.hubbub.core.protocol.ErrorCode.BAD_REQUEST, message);
            this.id = id;
        }

        public Long id() {
            return id;
        }
    }

    /** JSON bytes of a frame (the WebSocket payload). */
    public static byte[] json(Outbound frame) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        encode(frame, out);
        return out.toByteArray();
    }

    private static void encode(Outbound frame, OutputStream out) {
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            switch (frame) {
                case Outbound.Reply r -> {
                    g.writeStringField("type", "reply");
                    g.writeNumberField("id", r.id());
                    g.writeFieldName("payload");
                    Json.MAPPER.writeTree(g, r.result() == null ? Json.object() : r.result());
                }
                case Outbound.Failure f -> {
                    g.writeStringField("type", "error");
                    if (f.id() != null) g.writeNumberField("id", f.id());
                    g.writeFieldName("payload");
                    ObjectNode err = Json.object().put("code", f.code().wire()).put("message", f.message());
                    if (f.details() != null) err.set("details", f.details());
                    Json.MAPPER.writeTree(g, err);
                }
                case Outbound.Push p -> {
                    g.writeStringField("type", p.type());
                    g.writeFieldName("payload");
                    Json.MAPPER.writeTree(g, p.payload() == null ? Json.object() : p.payload());
                }
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException("encoding failed", e);
        }
    }

    /**
     * A complete server-to-client WebSocket text frame (FIN, opcode 1, unmasked) for the frame;
     * pushes are cached so every receiver shares the bytes.
     */
    public static byte[] wsFrame(Outbound frame) {
        if (frame instanceof Outbound.Push p) {
            byte[] cached = p.cache().get(SLOT);
            if (cached != null) return cached;
            return p.cache().putIfAbsent(SLOT, frameOf(frame));
        }
        return frameOf(frame);
    }

    /**
     * Encodes into the platform thread's scratch buffer and copies once into an array of the frame's
     * final size (a growing stream, its copy-out and the header copy were three copies per frame, the
     * largest allocation of a relayed signal). Virtual threads and re-entrant calls encode the plain way.
     */
    private static byte[] frameOf(Outbound frame) {
        if (Thread.currentThread().isVirtual()) return withHeader(json(frame));
        Scratch s = SCRATCH.get();
        if (s.busy) return withHeader(json(frame));
        s.busy = true;
        try {
            s.len = 0;
            encode(frame, s);
            return io.hubbub.server.transport.WsFrames.text(s.buf, s.len);
        } finally {
            s.busy = false;
            if (s.buf.length > Scratch.KEEP) s.buf = new byte[Scratch.INITIAL];
        }
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /** One per platform thread (event loops, timers); at most {@link #KEEP} bytes are kept between frames. */
    private static final class Scratch extends OutputStream {
        static final int INITIAL = 4096;
        static final int KEEP = 64 * 1024;
        byte[] buf = new byte[INITIAL];
        int len;
        boolean busy;

        private void ensure(int more) {
            if (len + more > buf.length) buf = java.util.Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
        }

        @Override
        public void write(int b) {
            ensure(1);
            buf[len++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int n) {
            ensure(n);
            System.arraycopy(b, off, buf, len, n);
            len += n;
        }
    }

    static byte[] withHeader(byte[] payload) {
        return io.hubbub.server.transport.WsFrames.text(payload);
    }
}
