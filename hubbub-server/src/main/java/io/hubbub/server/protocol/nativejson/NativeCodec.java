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
        return out.toByteArray();
    }

    /**
     * A complete server-to-client WebSocket text frame (FIN, opcode 1, unmasked) for the frame;
     * pushes are cached so every receiver shares the bytes.
     */
    public static byte[] wsFrame(Outbound frame) {
        if (frame instanceof Outbound.Push p) {
            byte[] cached = p.cache().get(SLOT);
            if (cached != null) return cached;
            return p.cache().putIfAbsent(SLOT, withHeader(json(frame)));
        }
        return withHeader(json(frame));
    }

    static byte[] withHeader(byte[] payload) {
        return io.hubbub.server.transport.WsFrames.text(payload);
    }
}
