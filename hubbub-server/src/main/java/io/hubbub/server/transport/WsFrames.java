package io.hubbub.server.transport;

/**
 * Complete server-to-client WebSocket frames as plain bytes (RFC 6455 §5.2: FIN set, unmasked), so
 * an encoded broadcast can be written unchanged to every receiver without passing each copy through
 * Netty's frame encoder. Frames written this way are never compressed, which permessage-deflate
 * allows (RSV1 clear). Pure and thread-safe.
 */
public final class WsFrames {
    private WsFrames() {}

    /** A text frame (opcode 1) whose payload is {@code payload} (UTF-8). */
    public static byte[] text(byte[] payload) {
        return text(payload, payload.length);
    }

    /** A text frame whose payload is the first {@code n} bytes of {@code payload}. */
    public static byte[] text(byte[] payload, int n) {
        int header = n < 126 ? 2 : n < 65536 ? 4 : 10;
        byte[] out = new byte[header + n];
        out[0] = (byte) 0x81;
        if (n < 126) {
            out[1] = (byte) n;
        } else if (n < 65536) {
            out[1] = 126;
            out[2] = (byte) (n >>> 8);
            out[3] = (byte) n;
        } else {
            out[1] = 127;
            for (int i = 0; i < 8; i++) out[2 + i] = (byte) ((long) n >>> (56 - 8 * i));
        }
        System.arraycopy(payload, 0, out, header, n);
        return out;
    }
}
