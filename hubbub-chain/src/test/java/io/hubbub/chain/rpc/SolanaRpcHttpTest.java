package io.hubbub.chain.rpc;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The RPC client's HTTP: plain HTTP/1.1 keep-alive (no {@code h2c} upgrade offered with every request,
 * as the JDK client did by default), answers with Content-Length, chunked or to the end of the
 * connection, and a connection the node closed while idle is replaced without failing the call.
 * A raw socket node written for the purpose records what it was sent.
 */
class SolanaRpcHttpTest {
    private ServerSocket server;
    private final List<String> heads = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();

    /** A node answering the n-th request (0-based, over all connections) with {@code answer.apply(n)} (raw HTTP). */
    private String node(IntFunction<String> answer) throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        AtomicInteger requests = new AtomicInteger();
        Thread.ofVirtual().start(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    connections.incrementAndGet();
                    Thread.ofVirtual().start(() -> serve(s, requests, answer));
                } catch (IOException e) {
                    return;
                }
            }
        });
        return "http://127.0.0.1:" + server.getLocalPort() + "/rpc?key=k";
    }

    private void serve(Socket s, AtomicInteger requests, IntFunction<String> answer) {
        try (s) {
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
            OutputStream out = s.getOutputStream();
            for (int k = 0; k < 100; k++) {
                StringBuilder head = new StringBuilder();
                int length = 0;
                for (String line; (line = in.readLine()) != null && !line.isEmpty(); ) {
                    head.append(line).append('\n');
                    if (line.toLowerCase().startsWith("content-length:")) length = Integer.parseInt(line.substring(15).trim());
                }
                if (head.isEmpty()) return;
                for (int i = 0; i < length; i++) in.read(); // ISO-8859-1: one char per byte
                heads.add(head.toString());
                String a = answer.apply(requests.getAndIncrement());
                if (a == null) return; // close without answering
                out.write(a.getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                if (a.contains("Connection: close")) return;
            }
        } catch (IOException ignored) {
            // the client went away
        }
    }

    private static String fixed(String body) {
        return "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" + body;
    }

    private static SolanaRpc rpc(String url) {
        return new SolanaRpc(List.of(url), Duration.ofSeconds(5), new SimpleMeterRegistry(), "e", "l");
    }

    @AfterEach
    void stop() throws IOException {
        if (server != null) server.close();
    }

    @Test
    void plainHttp11KeepAliveWithoutAnUpgradeOffer() throws Exception {
        String url = node(n -> fixed("{\"jsonrpc\":\"2.0\",\"id\":" + (n + 1) + ",\"result\":" + (100 + n) + "}"));
        SolanaRpc rpc = rpc(url);
        assertThat(rpc.getSlot("confirmed")).isEqualTo(100);
        assertThat(rpc.getSlot("confirmed")).isEqualTo(101);
        assertThat(connections).as("one keep-alive connection").hasValue(1);
        assertThat(heads).hasSize(2).allSatisfy(h -> {
            assertThat(h).startsWith("POST /rpc?key=k HTTP/1.1\n").containsIgnoringCase("content-type: application/json");
            assertThat(h.toLowerCase()).doesNotContain("upgrade").doesNotContain("http2-settings");
        });
    }

    @Test
    void chunkedInterimAndReadToTheEndAnswers() throws Exception {
        String body = "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":4242}";
        String url = node(n -> n == 0
                ? "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;x=1\r\n" + body.substring(0, 5) + "\r\n" + Integer.toHexString(body.length() - 5)
                  + "\r\n" + body.substring(5) + "\r\n0\r\nX-Trailer: t\r\n\r\n"
                : "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nConnection: close\r\n\r\n" + body);
        SolanaRpc rpc = rpc(url);
        assertThat(rpc.getSlot("confirmed")).isEqualTo(4242);
        assertThat(rpc.getSlot("confirmed")).isEqualTo(4242);
        assertThat(rpc.getSlot("confirmed")).as("a new connection after Connection: close").isEqualTo(4242);
        assertThat(connections).hasValue(2);
    }

    @Test
    void aConnectionTheNodeClosedWhileIdleIsReplaced() throws Exception {
        // the node closes the connection after the first answer without saying so (an idle timeout)
        String url = node(n -> n == 1 ? null : fixed("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":7}"));
        SolanaRpc rpc = rpc(url);
        assertThat(rpc.getSlot("confirmed")).isEqualTo(7);
        assertThat(rpc.getSlot("confirmed")).as("sent again on a new connection").isEqualTo(7);
        assertThat(connections).hasValue(2);
    }
}
