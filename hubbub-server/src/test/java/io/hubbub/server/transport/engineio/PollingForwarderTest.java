package io.hubbub.server.transport.engineio;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hubbub.server.testing.HttpTestClient;
import io.hubbub.server.testing.NettyHttpTestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two real Engine.IO servers ("aa" and "bb") on Netty with forwarding on; the owner registry is a map
 * the test controls. Proves that polls for the other server's sids are served through forwarding and
 * that the loop guard stops a request after one hop even when the registry points back at the node
 * itself.
 */
class PollingForwarderTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String EIO = "/socket.io/?EIO=4&transport=polling";

    private final Map<String, String> urls = new ConcurrentHashMap<>();
    private Node a;
    private Node b;

    private final class Node implements AutoCloseable {
        final EngineIoServer server = new EngineIoServer(EngineIoConfig.defaults().withHeartbeat(2000, 2000));
        final PollingForwarder forwarder;
        final NettyHttpTestServer http;
        final HttpTestClient client;

        Node(String tag) throws Exception {
            forwarder = new PollingForwarder(new PollingForwarder.Owners() {
                @Override
                public String localTag() {
                    return tag;
                }

                @Override
                public String urlOf(String t) {
                    return urls.get(t);
                }
            }, "node-" + tag, 5000, 100);
            server.forwarding(forwarder);
            // echo: every message comes back prefixed with this node's tag
            server.onConnection(socket -> socket.listener(new EngineIoSocket.Listener() {
                @Override
                public void onMessage(String text) {
                    socket.send(tag + ":" + text);
                }

                @Override
                public void onBinary(byte[] data) {
                }

                @Override
                public void onClose(String reason) {
                }
            }));
            EngineIoHandler handler = new EngineIoHandler(server);
            http = new NettyHttpTestServer(() -> List.of(handler));
            client = new HttpTestClient(http.httpUrl());
        }

        String open() throws Exception {
            HttpResponse<String> r = client.get(EIO);
            assertThat(r.statusCode()).isEqualTo(200);
            return JSON.readTree(r.body().substring(1)).get("sid").asText();
        }

        @Override
        public void close() {
            server.closeAll();
            http.close();
            forwarder.close();
        }
    }

    @BeforeEach
    void start() throws Exception {
        a = new Node("aa");
        b = new Node("bb");
        urls.put("aa", a.http.httpUrl());
        urls.put("bb", b.http.httpUrl());
    }

    @AfterEach
    void stop() {
        a.close();
        b.close();
    }

    @Test
    void sidsCarryTheirNodesTag() throws Exception {
        assertThat(a.open()).startsWith("aa.");
        assertThat(b.open()).startsWith("bb.");
        assertThat(PollingForwarder.tagOf("aa.xyz")).isEqualTo("aa");
        assertThat(PollingForwarder.tagOf("xyz")).isNull();
    }

    @Test
    void pollsForTheOtherNodesSessionAreForwardedAndAnswered() throws Exception {
        String sid = a.open();
        HttpResponse<String> post = b.client.post(EIO + "&sid=" + sid, "4hello");
        assertThat(post.statusCode()).isEqualTo(200);
        assertThat(post.body()).isEqualTo("ok");
        HttpResponse<String> get = b.client.get(EIO + "&sid=" + sid);
        assertThat(get.statusCode()).isEqualTo(200);
        assertThat(get.body()).isEqualTo("4aa:hello"); // produced by node aa, where the session lives
        // alternate: the owner itself still serves the same session
        assertThat(a.client.post(EIO + "&sid=" + sid, "4again").body()).isEqualTo("ok");
        assertThat(b.client.get(EIO + "&sid=" + sid).body()).isEqualTo("4aa:again");
        assertThat(b.forwarder.forwardedCount()).isEqualTo(3);
        assertThat(a.forwarder.forwardedCount()).isZero();
    }

    @Test
    void aRegistryPointingBackAtTheNodeStopsAfterOneHop() throws Exception {
        urls.put("zz", b.http.httpUrl()); // stale registry: tag zz "lives" on bb, which does not hold it
        HttpResponse<String> r = b.client.get(EIO + "&sid=zz.nosuchsession");
        assertUnknownSid(r);
        assertThat(b.forwarder.forwardedCount()).isEqualTo(1); // forwarded once to itself, then refused
    }

    @Test
    void twoNodesPointingAtEachOtherDoNotBounce() throws Exception {
        urls.put("aa", b.http.httpUrl());
        urls.put("bb", a.http.httpUrl());
        assertUnknownSid(a.client.get(EIO + "&sid=bb.nosuchsession"));
        assertThat(a.forwarder.forwardedCount() + b.forwarder.forwardedCount()).isEqualTo(1);
    }

    @Test
    void anAlreadyForwardedRequestIsNeverForwardedAgain() throws Exception {
        String sid = a.open();
        HttpResponse<String> r = b.client.send(b.client.request(EIO + "&sid=" + sid)
                .header(PollingForwarder.FORWARDED_BY, "node-x").GET());
        assertUnknownSid(r);
        assertThat(b.forwarder.forwardedCount()).isZero();
    }

    @Test
    void unknownTagsOwnTagAndDeadOwnersGetSessionIdUnknown() throws Exception {
        assertUnknownSid(b.client.get(EIO + "&sid=qq.unknown"));
        assertUnknownSid(b.client.get(EIO + "&sid=bb.unknown"));
        assertUnknownSid(b.client.get(EIO + "&sid=untagged"));
        assertThat(b.forwarder.forwardedCount()).isZero();
        urls.put("dd", "http://127.0.0.1:1"); // listed but unreachable
        assertUnknownSid(b.client.get(EIO + "&sid=dd.unknown"));
        assertThat(b.forwarder.forwardedCount()).isEqualTo(1);
    }

    private static void assertUnknownSid(HttpResponse<String> r) throws Exception {
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(r.body()).get("message").asText()).isEqualTo("Session ID unknown");
    }
}
