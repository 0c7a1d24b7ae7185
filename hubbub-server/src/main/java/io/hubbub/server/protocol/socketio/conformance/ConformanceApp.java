package io.hubbub.server.protocol.socketio.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import io.hubbub.server.protocol.socketio.ConnectDecision;
import io.hubbub.server.protocol.socketio.SocketIoConfig;
import io.hubbub.server.protocol.socketio.SocketIoServer;
import io.hubbub.server.protocol.socketio.SocketIoSocket;
import io.hubbub.server.transport.engineio.EngineIoConfig;
import io.hubbub.server.transport.engineio.EngineIoHandler;
import io.hubbub.server.transport.engineio.EngineIoServer;
import io.hubbub.server.transport.engineio.EngineIoSocket;

import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * The behaviour the official Engine.IO v4 and Socket.IO v5 server test suites expect:
 * <ul>
 *   <li>{@code /engine.io/}: a plain Engine.IO endpoint echoing every message (text as text, binary as binary);</li>
 *   <li>{@code /socket.io/}: the main namespace emits {@code auth} with the CONNECT auth, answers
 *       {@code message} with {@code message-back} and acknowledges {@code message-with-ack} with the
 *       same arguments; {@code /custom} emits {@code auth}; other namespaces are refused.</li>
 * </ul>
 * Timings: pingInterval 300 ms, pingTimeout 200 ms, maxPayload 1000000, connect timeout 1000 ms, CORS any origin.
 */
public final class ConformanceApp {
    /** Pause between a namespace's CONNECT reply and its {@code auth} event; see {@link #sendAuth}. */
    static final long AUTH_PAUSE_MILLIS = 50;

    private final EngineIoServer echo;
    private final EngineIoServer socketIoEngine;
    private final SocketIoServer socketIo;

    public ConformanceApp() {
        this(EngineIoConfig.defaults()
                .withHeartbeat(300, 200)
                .withMaxPayload(1_000_000)
                .withAllowedOrigins(List.of("*")), 1_000);
    }

    /**
     * With other timings (the {@code socketio-conformance} profile maps its configuration here);
     * {@code base}'s path is replaced by /engine.io/ and /socket.io/.
     */
    public ConformanceApp(EngineIoConfig base, long connectTimeoutMillis) {
        echo = new EngineIoServer(base.withPath("/engine.io/"));
        echo.onConnection(ConformanceApp::echo);
        socketIoEngine = new EngineIoServer(base.withPath("/socket.io/"));
        socketIo = new SocketIoServer(socketIoEngine, SocketIoConfig.defaults().withConnectTimeout(connectTimeoutMillis));
        socketIo.mainNamespace().onConnect(socket -> {
            socket.on("message", (args, ack) -> socket.emit("message-back", args.toArray()));
            socket.on("message-with-ack", (args, ack) -> {
                if (ack != null) {
                    ack.send(args.toArray());
                }
            });
            return sendAuth(socket);
        });
        socketIo.namespace("/custom").onConnect(ConformanceApp::sendAuth);
    }

    /** The two HTTP handlers to mount (each ignores requests outside its path). */
    public List<EngineIoHandler> handlers() {
        return List.of(new EngineIoHandler(echo), new EngineIoHandler(socketIoEngine));
    }

    public SocketIoServer socketIo() {
        return socketIo;
    }

    public void close() {
        echo.closeAll();
        socketIoEngine.closeAll();
    }

    /**
     * Accepts the connection and emits {@code auth} {@value #AUTH_PAUSE_MILLIS} ms after the CONNECT
     * reply. The pause is for the official suites' client, not for the protocol: it awaits each message
     * with a one-shot listener re-armed after an {@code await}, and its {@code ws} client (8.17+,
     * {@code allowSynchronousEvents}) emits every message of one TCP read in the same tick, so a second
     * frame that arrives in the same read as the CONNECT reply is never seen. Two frames written
     * back to back (as the reference server also does, one event-loop turn apart) share a read whenever
     * the client process wakes up late, which happens on any busy machine.
     */
    private static CompletionStage<ConnectDecision> sendAuth(SocketIoSocket socket) {
        JsonNode auth = socket.handshakeAuth();
        socket.loop().schedule(() -> socket.emit("auth", auth), AUTH_PAUSE_MILLIS, TimeUnit.MILLISECONDS);
        return ConnectDecision.accept();
    }

    private static void echo(EngineIoSocket socket) {
        socket.listener(new EngineIoSocket.Listener() {
            @Override
            public void onMessage(String text) {
                socket.send(text);
            }

            @Override
            public void onBinary(byte[] data) {
                socket.send(data);
            }

            @Override
            public void onClose(String reason) {
            }
        });
    }
}
