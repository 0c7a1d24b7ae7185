package io.hubbub.core.session;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubbub.core.auth.Principal;

import java.util.concurrent.CompletableFuture;

/**
 * The session lifecycle operations the built-in connection handlers ({@code auth},
 * {@code session:resume}) need beyond the public API; implemented by the node that owns the sessions.
 */
public interface SessionLifecycle {

    /** Authenticates {@code s} as {@code p} (on its executor) and completes with the welcome payload. */
    CompletableFuture<ObjectNode> authenticate(Session s, Principal p);

    /** A live session of this node by id, or null. */
    Session session(String id);

    /** Ends a session whose connection closed (any thread); completes when its cleanup is done. */
    CompletableFuture<Void> closed(Session s);
}
