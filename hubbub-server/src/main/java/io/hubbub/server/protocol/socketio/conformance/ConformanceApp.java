package io.hubbub.server.protocol.socketio.conformance;

import io.hubbub.server.protocol.socketio.ConnectDecision;
import io.hubbub.server.protocol.socketio.SocketIoConfig;
import io.hubbub.server.protocol.socketio.SocketIoServer;
import io.hubbub.server.protocol.socketio.SocketIoSocket;
import io.hubbub.server.transport.engineio.EngineIoConfig;
import io.hubbub.server.transport.engineio.EngineIoHandler;
import io.hubbub.server.transport.engineio.EngineIoServer;
import io.hubbub.server.transport.engineio.EngineIoSocket;

import java.util.List;

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

    private static java.util.concurrent.CompletionStage<ConnectDecision> sendAuth(SocketIoSocket socket) {
        socket.emit("auth", socket.handshakeAuth());
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
