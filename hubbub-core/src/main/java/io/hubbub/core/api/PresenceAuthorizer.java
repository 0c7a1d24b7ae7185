package io.hubbub.core.api;

import io.hubbub.core.session.Session;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * Decides whose user presence a connection may see through {@code presence:query} and
 * {@code presence:subscribe} (e.g. only friends, never blocked users). Without one registered every
 * user may see every user, as before. With several, a user is visible only if none refuses.
 *
 * <p>Called on the session's executor with 1 to 100 distinct ids, never the caller's own (a user
 * always sees themself). It must not block that thread: do database work on
 * {@link HubbubApi#blocking()} and complete the stage from there. A refused request answers
 * {@code forbidden} with {@code details.users} (the refused ids) and changes nothing: no watch is
 * added, not even for the allowed ids. A failed stage answers {@code unavailable}. A
 * {@code presence:subscribe} that adds watches asks twice, before adding them and again once they exist
 * (a relation that ended in between must not leave a watch behind), so answers must reflect the current
 * state, not a snapshot taken at the first call.
 */
@FunctionalInterface
public interface PresenceAuthorizer {
    /** The ids of {@code userIds} that {@code watcher} may not see (empty: all visible). */
    CompletionStage<Set<String>> refused(Session watcher, List<String> userIds);
}
