package io.hubbub.chain.rpc;

import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small blocking HTTP/1.1 client for JSON-RPC POSTs over keep-alive connections ({@code http} and
 * {@code https}), for callers that block on the answer anyway (the listener's worker, payment
 * checks; virtual threads park in the socket reads).
 *
 * <p>Why not the JDK's {@code HttpClient}: its asynchronous pipeline (selector thread, tubes,
 * schedulers, completable-future chains per exchange) cost more CPU per {@code getTransaction} batch
 * than parsing and recording the transactions in the run-C profile. This one writes the request and
 * reads the answer on the calling thread.
 *
 * <p>Contract: one request per connection at a time; idle connections are kept per origin (at most
 * {@link #MAX_IDLE}) and reused; a request on a reused connection that fails before any byte of the
 * answer arrived is sent again once on a new connection (the node may have closed it while idle; every
 * call made through this client is a read, so a repeat is harmless). {@code timeout} bounds the connect
 * and the whole wait for the answer (each read gets what is left of it). Answers: {@code Content-Length},
 * {@code chunked}, or read to the end of the connection; at most {@link #MAX_BODY} bytes of body, header
 * lines at most 8 KiB and 100 of them. No proxy, no redirects, no compression (none is asked for), no
 * {@code 100-continue}. HTTPS verifies the host name against the certificate (the JDK's trust store).
 */
public final class Http1 implements AutoCloseable {
    /** Largest answer body accepted: a {@code getTransaction} batch of 64 is a few MiB at most. */
    static final int MAX_BODY = 64 << 20;
    /** Idle keep-alive connections kept per origin. */
    static final int MAX_IDLE = 8;

    /** An answer: its status and body. */
    public record Response(int status, byte[] body) {}

    private final Duration timeout;
    private final ConcurrentHashMap<String, ConcurrentLinkedDeque<Conn>> idle = new ConcurrentHashMap<>();
    private final AtomicInteger opened = new AtomicInteger();
    private volatile boolean closed;

    public Http1(Duration timeout) {
        this.timeout = timeout;
    }

    /** Connections opened so far (tests: keep-alive reuse). */
    public int opened() {
        return opened.get();
    }

    /** POSTs {@code body} as {@code application/json}; {@link IOException} on a failure or timeout. */
    public Response post(URI url, byte[] body) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String origin = origin(url);
        ConcurrentLinkedDeque<Conn> pool = idle.computeIfAbsent(origin, k -> new ConcurrentLinkedDeque<>());
        byte[] head = head(url, body.length);
        Conn c = pool.pollFirst();
        if (c != null) {
            try {
                return exchange(c, pool, head, body, deadline);
            } catch (StaleException e) {
                c.close(); // closed by the node while idle: once more on a new connection
            }
        }
        c = open(url, deadline);
        try {
            return exchange(c, pool, head, body, deadline);
        } catch (StaleException e) {
            throw new IOException("the node closed the connection without an answer", e);
        }
    }

    private Response exchange(Conn c, ConcurrentLinkedDeque<Conn> pool, byte[] head, byte[] body, long deadline) throws IOException {
        boolean keep = false;
        try {
            try {
                c.out.write(head);
                c.out.write(body);
                c.out.flush();
                c.fill(deadline); // the first byte of the answer
            } catch (IOException e) {
                throw new StaleException(e);
            }
            String[] parts;
            int code;
            for (int interim = 0; ; interim++) { // an interim 1xx answer (not asked for, but allowed) is skipped
                String status = c.line(deadline);
                parts = status.split(" ", 3);
                if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) throw new IOException("not an HTTP/1.x answer: " + abbreviate(status));
                try {
                    code = Integer.parseInt(parts[1]);
                } catch (NumberFormatException e) {
                    throw new IOException("bad status line: " + abbreviate(status));
                }
                if (code >= 200 || interim >= 8) break;
                for (int n = 0; n < 100 && !c.line(deadline).isEmpty(); n++) {
                    // its headers: ignored
                }
            }
            long length = -1;
            boolean chunked = false;
            keep = parts[0].equals("HTTP/1.1");
            for (int n = 0; ; n++) {
                String h = c.line(deadline);
                if (h.isEmpty()) break;
                if (n >= 100) throw new IOException("too many header lines");
                int colon = h.indexOf(':');
                if (colon <= 0) continue;
                String name = h.substring(0, colon).trim().toLowerCase(Locale.ROOT);
                String value = h.substring(colon + 1).trim();
                switch (name) {
                    case "content-length" -> {
                        try {
                            length = Long.parseLong(value);
                        } catch (NumberFormatException e) {
                            throw new IOException("bad Content-Length");
                        }
                    }
                    case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
                    case "connection" -> {
                        String v = value.toLowerCase(Locale.ROOT);
                        if (v.contains("close")) keep = false;
                        else if (v.contains("keep-alive")) keep = true;
                    }
                    default -> { }
                }
            }
            byte[] answer;
            if (code == 204 || code == 304) answer = new byte[0];
            else if (chunked) answer = c.chunked(deadline);
            else if (length >= 0) {
                if (length > MAX_BODY) throw new IOException("answer too large: " + length + " bytes");
                answer = c.exactly((int) length, deadline);
            } else {
                keep = false;
                answer = c.toEnd(deadline);
            }
            if (keep && !closed && pool.size() < MAX_IDLE) pool.addFirst(c);
            else c.close();
            return new Response(code, answer);
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    private Conn open(URI url, long deadline) throws IOException {
        boolean tls = "https".equalsIgnoreCase(url.getScheme());
        if (!tls && !"http".equalsIgnoreCase(url.getScheme())) throw new IOException("not an http(s) URL: " + url.getScheme());
        String host = url.getHost();
        if (host == null) throw new IOException("no host in " + url.getScheme() + " URL");
        String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        int port = url.getPort() > 0 ? url.getPort() : tls ? 443 : 80;
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            s.connect(new InetSocketAddress(bare, port), remaining(deadline));
            if (tls) {
                SSLSocket ssl = (SSLSocket) ((SSLSocketFactory) SSLSocketFactory.getDefault()).createSocket(s, bare, port, true);
                SSLParameters p = ssl.getSSLParameters();
                p.setEndpointIdentificationAlgorithm("HTTPS");
                p.setApplicationProtocols(new String[] {"http/1.1"}); // SNI: set by the factory from the host name
                ssl.setSSLParameters(p);
                ssl.setSoTimeout(remaining(deadline));
                ssl.startHandshake();
                s = ssl;
            }
            opened.incrementAndGet();
            return new Conn(s);
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    private static byte[] head(URI url, int length) {
        String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        if (url.getRawQuery() != null) path += "?" + url.getRawQuery();
        String host = url.getHost() + (url.getPort() > 0 ? ":" + url.getPort() : "");
        return ("POST " + path + " HTTP/1.1\r\nHost: " + host + "\r\nContent-Type: application/json\r\nAccept: application/json\r\n"
                + "Content-Length: " + length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String origin(URI url) {
        return url.getScheme().toLowerCase(Locale.ROOT) + "://" + url.getHost() + ":" + url.getPort();
    }

    static int remaining(long deadline) throws SocketTimeoutException {
        long ms = (deadline - System.nanoTime()) / 1_000_000;
        if (ms <= 0) throw new SocketTimeoutException("no answer within the RPC timeout");
        return (int) Math.min(Integer.MAX_VALUE, ms);
    }

    private static String abbreviate(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "…" : s;
    }

    /** Closes the idle connections; connections in use close when their request ends. */
    @Override
    public void close() {
        closed = true;
        idle.values().forEach(q -> {
            for (Conn c; (c = q.pollFirst()) != null; ) c.close();
        });
    }

    /** A write before any answer byte failed: the connection was dead before this request. */
    private static final class StaleException extends IOException {
        StaleException(IOException cause) {
            super(cause);
        }
    }

    /** One connection with its own read buffer. */
    private static final class Conn {
        private final Socket socket;
        private final InputStream in;
        final OutputStream out;
        private final byte[] buf = new byte[16 * 1024];
        private int pos, lim;

        Conn(Socket socket) throws IOException {
            this.socket = socket;
            this.in = socket.getInputStream();
            this.out = new java.io.BufferedOutputStream(socket.getOutputStream(), 16 * 1024);
        }

        /** Reads more into the buffer (after what is unread); EOF is an error. */
        void fill(long deadline) throws IOException {
            if (pos > 0 && pos == lim) pos = lim = 0;
            if (lim == buf.length) { // keep the unread part at the front
                System.arraycopy(buf, pos, buf, 0, lim - pos);
                lim -= pos;
                pos = 0;
            }
            socket.setSoTimeout(remaining(deadline));
            int n = in.read(buf, lim, buf.length - lim);
            if (n < 0) throw new EOFException("connection closed by the node");
            lim += n;
        }

        /** One CRLF-terminated line (ISO-8859-1), at most 8 KiB. */
        String line(long deadline) throws IOException {
            StringBuilder sb = null;
            while (true) {
                for (int i = pos; i < lim; i++) {
                    if (buf[i] != '\n') continue;
                    int end = i > pos && buf[i - 1] == '\r' ? i - 1 : i;
                    String part = new String(buf, pos, end - pos, StandardCharsets.ISO_8859_1);
                    pos = i + 1;
                    return sb == null ? part : sb.append(part).toString();
                }
                if (sb == null) sb = new StringBuilder();
                if (sb.length() + (lim - pos) > 8192) throw new IOException("header line too long");
                // keep a trailing '\r' in the buffer: it may belong to the CRLF
                int take = lim > pos && buf[lim - 1] == '\r' ? lim - pos - 1 : lim - pos;
                sb.append(new String(buf, pos, take, StandardCharsets.ISO_8859_1));
                pos += take;
                fill(deadline);
            }
        }

        byte[] exactly(int n, long deadline) throws IOException {
            byte[] out = new byte[n];
            int got = Math.min(n, lim - pos);
            System.arraycopy(buf, pos, out, 0, got);
            pos += got;
            while (got < n) {
                socket.setSoTimeout(remaining(deadline));
                int r = in.read(out, got, n - got);
                if (r < 0) throw new EOFException("answer cut short");
                got += r;
            }
            return out;
        }

        byte[] chunked(long deadline) throws IOException {
            java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
            while (true) {
                String size = line(deadline);
                int semi = size.indexOf(';');
                long n;
                try {
                    n = Long.parseLong((semi >= 0 ? size.substring(0, semi) : size).trim(), 16);
                } catch (NumberFormatException e) {
                    throw new IOException("bad chunk size");
                }
                if (n < 0 || body.size() + n > MAX_BODY) throw new IOException("answer too large");
                if (n == 0) break;
                body.write(exactly((int) n, deadline));
                line(deadline); // the CRLF after the chunk
            }
            for (int i = 0; i < 100 && !line(deadline).isEmpty(); i++) {
                // trailers: ignored
            }
            return body.toByteArray();
        }

        byte[] toEnd(long deadline) throws IOException {
            java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
            body.write(buf, pos, lim - pos);
            pos = lim = 0;
            while (true) {
                socket.setSoTimeout(remaining(deadline));
                int r = in.read(buf);
                if (r < 0) return body.toByteArray();
                if (body.size() + r > MAX_BODY) throw new IOException("answer too large");
                body.write(buf, 0, r);
            }
        }

        void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // nothing to do
            }
        }
    }
}
