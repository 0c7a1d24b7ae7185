package io.hubbub.server.testing;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * A minimal WebSocket client on a plain {@link Socket}, for the behaviours a well-behaved client
 * (the JDK's) cannot show: one that never reads (slow consumer), never answers pings (heartbeat
 * timeout), or whose handshake is refused (the HTTP status is visible). Frames are read only when
 * the test asks, so nothing is consumed in the background.
 */
public final class RawWebSocket implements AutoCloseable {
    private static final SecureRandom RANDOM = new SecureRandom();

    /** One received frame: its opcode (1 text, 2 binary, 8 close, 9 ping, 10 pong) and payload. */
    public record Frame(int opcode, byte[] payload) {
        public String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        /** The close code of a close frame, or -1. */
        public int closeCode() {
            return opcode == 8 && payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : -1;
        }
    }

    public static final int TEXT = 0x1;
    public static final int BINARY = 0x2;
    public static final int CLOSE = 0x8;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final int status;
    private final String responseHead;

    private RawWebSocket(Socket socket, int status, String responseHead) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
        this.status = status;
        this.responseHead = responseHead;
    }

    /**
     * Connects and sends the upgrade request for {@code pathAndQuery}. A refused handshake is not an
     * error: see {@link #status()}.
     *
     * @param receiveBuffer socket receive buffer in bytes (small values make a non-reading client
     *                      fill up fast), or 0 for the default
     */
    public static RawWebSocket connect(int port, String pathAndQuery, int receiveBuffer) {
        return connect(port, pathAndQuery, receiveBuffer, "");
    }

    /** Like {@link #connect(int, String, int)} with extra request header lines, each ending in CRLF. */
    public static RawWebSocket connect(int port, String pathAndQuery, int receiveBuffer, String extraHeaders) {
        try {
            Socket s = new Socket();
            if (receiveBuffer > 0) s.setReceiveBufferSize(receiveBuffer);
            s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            s.setSoTimeout(5000);
            byte[] nonce = new byte[16];
            RANDOM.nextBytes(nonce);
            String req = "GET " + pathAndQuery + " HTTP/1.1\r\n"
                    + "Host: 127.0.0.1:" + port + "\r\n"
                    + "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(nonce) + "\r\n"
                    + "Sec-WebSocket-Version: 13\r\n" + extraHeaders + "\r\n";
            s.getOutputStream().write(req.getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            String head = readHead(s.getInputStream());
            int status = Integer.parseInt(head.split(" ", 3)[1]);
            return new RawWebSocket(s, status, head);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int state = 0;
        while (state < 4) {
            int c = in.read();
            if (c < 0) throw new EOFException("connection closed during the handshake");
            b.write(c);
            state = (c == '\r' && (state == 0 || state == 2)) || (c == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
        }
        return b.toString(StandardCharsets.US_ASCII);
    }

    /** The HTTP status of the handshake answer (101 when upgraded). */
    public int status() {
        return status;
    }

    public String responseHead() {
        return responseHead;
    }

    public void sendText(String text) {
        send(1, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Sends one masked frame, as a client must. */
    public void send(int opcode, byte[] payload) {
        try {
            ByteArrayOutputStream f = new ByteArrayOutputStream(payload.length + 14);
            f.write(0x80 | opcode);
            int n = payload.length;
            if (n < 126) {
                f.write(0x80 | n);
            } else if (n < 65536) {
                f.write(0x80 | 126);
                f.write(n >>> 8);
                f.write(n);
            } else {
                f.write(0x80 | 127);
                for (int i = 7; i >= 0; i--) f.write((int) ((long) n >>> (8 * i)));
            }
            byte[] mask = new byte[4];
            RANDOM.nextBytes(mask);
            f.write(mask);
            for (int i = 0; i < n; i++) f.write(payload[i] ^ mask[i & 3]);
            out.write(f.toByteArray());
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes raw bytes (for hand-made, e.g. truncated, frames). */
    public void sendBytes(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Connects like {@link #connect} and fails unless the server switched protocols (101). */
    public static RawWebSocket open(int port, String pathAndQuery) throws IOException {
        RawWebSocket ws = connect(port, pathAndQuery, 0);
        if (ws.status() != 101) {
            ws.close();
            throw new IOException("handshake refused: " + ws.responseHead().lines().findFirst().orElse(""));
        }
        return ws;
    }

    public void sendBinary(byte[] data) {
        send(BINARY, data);
    }

    /** Sends a close frame with exactly this body (empty: no status code). */
    public void sendClose(byte[] body) {
        send(CLOSE, body);
    }

    /** Bytes received and not read yet (what arrived together with the frames read so far). */
    public int available() throws IOException {
        return in.available();
    }

    /** The next frame, waiting up to 3 s; fails if none arrives. */
    public Frame readFrame() throws IOException {
        Frame f = read(3000);
        if (f == null) throw new java.net.SocketTimeoutException("no frame within 3 s");
        return f;
    }

    /** The next frame that is not an Engine.IO PING text frame ("2"). */
    public Frame readFrameSkippingPings() throws IOException {
        while (true) {
            Frame f = readFrame();
            if (!(f.opcode() == TEXT && f.text().equals("2"))) return f;
        }
    }

    /** The next frame, or null if none arrives within the time; throws EOFException when the server closed the socket. */
    public Frame read(long millis) throws IOException {
        socket.setSoTimeout((int) Math.max(1, millis));
        int b0;
        try {
            b0 = in.read();
        } catch (SocketTimeoutException e) {
            return null;
        }
        if (b0 < 0) throw new EOFException("closed by the server");
        socket.setSoTimeout(5000);
        int b1 = readByte();
        long n = b1 & 0x7f;
        if (n == 126) n = ((long) readByte() << 8) | readByte();
        else if (n == 127) {
            n = 0;
            for (int i = 0; i < 8; i++) n = (n << 8) | readByte();
        }
        byte[] payload = in.readNBytes((int) n);
        if (payload.length < n) throw new EOFException("closed inside a frame");
        return new Frame(b0 & 0x0f, payload);
    }

    private int readByte() throws IOException {
        int b = in.read();
        if (b < 0) throw new EOFException("closed inside a frame");
        return b;
    }

    /**
     * Reads (and discards, answering nothing) until the server's close frame or end of stream.
     *
     * @return the close code, or -1 if the socket ended without a close frame
     */
    public int awaitClose(long millis) throws IOException {
        long until = System.currentTimeMillis() + millis;
        while (System.currentTimeMillis() < until) {
            Frame f;
            try {
                f = read(until - System.currentTimeMillis());
            } catch (EOFException | java.net.SocketException e) {
                return -1;
            }
            if (f != null && f.opcode() == 8) return f.closeCode();
        }
        throw new AssertionError("the server did not close within " + millis + " ms");
    }

    public boolean isClosedByPeer() {
        try {
            socket.setSoTimeout(1);
            return in.read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }
}
