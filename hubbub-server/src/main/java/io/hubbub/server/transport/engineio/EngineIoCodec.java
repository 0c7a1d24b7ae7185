package io.hubbub.server.transport.engineio;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Engine.IO v4 packet encoding. A text packet is one type digit followed by its data; a binary
 * message is raw bytes on WebSocket and {@code 'b' + base64} inside a polling payload. Polling
 * payloads join packets with the record separator 0x1E. Pure and thread-safe.
 */
public final class EngineIoCodec {
    public static final char OPEN = '0';
    public static final char CLOSE = '1';
    public static final char PING = '2';
    public static final char PONG = '3';
    public static final char MESSAGE = '4';
    public static final char UPGRADE = '5';
    public static final char NOOP = '6';
    public static final char SEPARATOR = '\u001e';

    /** A decoded inbound packet: {@code binary} is set only for binary messages (type MESSAGE). */
    public record Packet(char type, String data, byte[] binary) {
        public boolean isBinary() {
            return binary != null;
        }
    }

    /**
     * Outbound unit: the UTF-8 bytes of a whole text packet (type digit included) or a binary message.
     * {@code wsFrame}, when not null, is the same text packet as a complete WebSocket frame (header
     * included, see {@code WsFrames}), encoded once per broadcast and written as is by the WebSocket
     * transport; polling uses {@code bytes}.
     */
    public record Frame(boolean binary, byte[] bytes, byte[] wsFrame) {
        public Frame(boolean binary, byte[] bytes) {
            this(binary, bytes, null);
        }

        public static Frame text(String packet) {
            return new Frame(false, packet.getBytes(StandardCharsets.UTF_8));
        }

        public static Frame message(String data) {
            return text(MESSAGE + data);
        }
    }

    public static final class DecodeException extends Exception {
        public DecodeException(String message) {
            super(message, null, false, false);
        }
    }

    private EngineIoCodec() {}

    /** Decodes one text packet (a WebSocket text frame or one element of a polling payload). */
    public static Packet decodeText(String text) throws DecodeException {
        if (text.isEmpty()) {
            throw new DecodeException("empty packet");
        }
        char type = text.charAt(0);
        if (type == 'b') {
            try {
                return new Packet(MESSAGE, null, Base64.getDecoder().decode(text.substring(1)));
            } catch (IllegalArgumentException e) {
                throw new DecodeException("invalid base64");
            }
        }
        if (type < OPEN || type > NOOP) {
            throw new DecodeException("unknown packet type");
        }
        return new Packet(type, text.substring(1), null);
    }

    /** Decodes a polling POST body; any invalid packet invalidates the whole payload. */
    public static List<Packet> decodePayload(String body) throws DecodeException {
        List<Packet> packets = new ArrayList<>();
        int start = 0;
        while (true) {
            int end = body.indexOf(SEPARATOR, start);
            packets.add(decodeText(end < 0 ? body.substring(start) : body.substring(start, end)));
            if (end < 0) {
                return packets;
            }
            start = end + 1;
        }
    }

    /** Encodes frames as one polling payload. */
    public static byte[] encodePayload(List<Frame> frames) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < frames.size(); i++) {
            if (i > 0) {
                out.write(SEPARATOR);
            }
            Frame frame = frames.get(i);
            if (frame.binary()) {
                out.write('b');
                out.writeBytes(Base64.getEncoder().encode(frame.bytes()));
            } else {
                out.writeBytes(frame.bytes());
            }
        }
        return out.toByteArray();
    }
}
