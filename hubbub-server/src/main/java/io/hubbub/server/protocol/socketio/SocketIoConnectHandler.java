package io.hubbub.server.protocol.socketio;

import java.util.concurrent.CompletionStage;

/**
 * Decides whether a socket may join a namespace. Called on the connection's event loop: it must
 * not block; slow work (token checks against a database) runs elsewhere and completes the stage.
 * Event handlers registered with {@link SocketIoSocket#on} here are active once the socket joins;
 * emits made before the decision are sent right after the CONNECT reply. A stage that completes
 * exceptionally refuses with the exception's message.
 */
@FunctionalInterface
public interface SocketIoConnectHandler {
    CompletionStage<ConnectDecision> onConnect(SocketIoSocket socket);
}
