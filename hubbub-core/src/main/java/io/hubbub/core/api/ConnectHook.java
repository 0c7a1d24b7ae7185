package io.hubbub.core.api;

import io.hubbub.core.session.Session;

import java.util.concurrent.CompletionStage;

/** Runs after authentication, before {@code session:welcome}; fail the stage to refuse the connection. */
@FunctionalInterface
public interface ConnectHook {
    CompletionStage<Void> onConnect(Session session);
}
