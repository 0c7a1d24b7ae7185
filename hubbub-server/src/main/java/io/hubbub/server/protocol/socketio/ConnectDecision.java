package io.hubbub.server.protocol.socketio;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** A connect handler's answer: join the namespace, or refuse with a CONNECT_ERROR. */
public sealed interface ConnectDecision {
    record Accept() implements ConnectDecision {}

    /** Sent as {@code {"message": message, "data": data}}; {@code data} is omitted when null. */
    record Refuse(String message, JsonNode data) implements ConnectDecision {}

    ConnectDecision ACCEPT = new Accept();

    static CompletionStage<ConnectDecision> accept() {
        return CompletableFuture.completedFuture(ACCEPT);
    }

    static CompletionStage<ConnectDecision> refuse(String message) {
        return CompletableFuture.completedFuture(new Refuse(message, null));
    }
}
