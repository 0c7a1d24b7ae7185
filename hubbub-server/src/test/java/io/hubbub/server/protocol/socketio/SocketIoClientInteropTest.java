package io.hubbub.server.protocol.socketio;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.hubbub.server.protocol.socketio.conformance.ConformanceApp;
import io.hubbub.server.testing.NettyHttpTestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static io.hubbub.server.protocol.socketio.hubbub.SocketIoNpmClientTest.commandWorks;
import static io.hubbub.server.protocol.socketio.hubbub.SocketIoNpmClientTest.npmCi;
import static io.hubbub.server.protocol.socketio.hubbub.SocketIoNpmClientTest.run;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Interoperability with the official npm {@code socket.io-client} (version pinned by
 * {@code src/test/js/package-lock.json}, installed with {@code npm ci} on first use): each scenario
 * of {@code src/test/js/interop.js} runs in Node against a real server with the conformance
 * profile plus two test namespaces: {@code /private} (asynchronous auth: token "good" or refusal
 * with data) and {@code /recover} (connection-state-recovery hooks: pid and offsets).
 */
class SocketIoClientInteropTest {
    private static ConformanceApp app;
    private static NettyHttpTestServer server;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(commandWorks("node", "--version"), "node is not installed");
        npmCi();
        app = new ConformanceApp();
        var executor = Executors.newVirtualThreadPerTaskExecutor();
        app.socketIo().namespace("/private").onConnect(socket -> CompletableFuture.supplyAsync(() ->
                "good".equals(socket.handshakeAuth().path("token").asText())
                        ? ConnectDecision.ACCEPT
                        : new ConnectDecision.Refuse("unauthorized",
                        JsonNodeFactory.instance.objectNode().put("code", "AUTH_FAILED")), executor));
        app.socketIo().namespace("/recover").onConnect(socket -> {
            if (socket.recoveryPid() != null) {
                socket.pid(socket.recoveryPid());
                socket.emit("recovery-report", JsonNodeFactory.instance.objectNode()
                        .put("pid", socket.recoveryPid()).put("offset", socket.recoveryOffset()));
            } else {
                socket.pid("pid-1");
                socket.emitWithOffset("offset-7", "tick", 1);
            }
            return ConnectDecision.accept();
        });
        server = new NettyHttpTestServer(app::handlers);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            app.close();
            server.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"websocket", "polling", "upgrade", "namespaces", "auth", "recovery"})
    void scenario(String name) throws Exception {
        String output = run(List.of("node", "interop.js", server.httpUrl(), name), 30);
        assertThat(output).as(output).startsWith("OK");
    }
}
