package io.hubbub.chat;

import io.hubbub.core.api.HubbubApi;
import io.hubbub.core.api.PresenceAuthorizer;
import io.hubbub.core.session.Session;
import io.hubbub.store.Database;
import org.jdbi.v3.core.Handle;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Presence privacy (issue 10: "presence to friends … hidden from non-friends and blocked users"): a
 * user's presence is visible to their friends and to the members of a chat they share, never across a
 * block in either direction. Registered as the core's {@link PresenceAuthorizer} when
 * {@code features.chat.presencePrivacy} is on, so {@code presence:query}/{@code presence:subscribe}
 * of anyone else answer {@code forbidden}.
 *
 * <p>A watch is checked when it is made. When a friendship ends or a block starts, this node's
 * connections of the two stop watching each other at once (other nodes' at their next connect);
 * a new friendship starts the watches the same way.
 */
final class PresenceVisibility implements PresenceAuthorizer {
    private final Database db;
    private final HubbubApi api;

    PresenceVisibility(Database db, HubbubApi api) {
        this.db = db;
        this.api = api;
    }

    @Override
    public CompletionStage<Set<String>> refused(Session watcher, List<String> userIds) {
        String me = watcher.userId();
        return CompletableFuture.supplyAsync(() -> db.withHandle(h -> refused(h, me, userIds)), api.blocking());
    }

    /** The ids of {@code others} (at most a few hundred) whose presence {@code me} may not see. Blocks. */
    static Set<String> refused(Handle h, String me, List<String> others) {
        if (others.isEmpty()) return Set.of();
        String in = GeneratedSql.marks(others.size(), "?"); // sizes vary: plain JDBC, no Jdbi parse per size
        Set<String> visible = new HashSet<>();
        visible.addAll(ids(h, "SELECT friend_id FROM chat_friends WHERE user_id = ? AND friend_id IN (" + in + ")", me, others));
        // a shared chat: my memberships (index on user_id) probed by the other's primary key
        visible.addAll(ids(h, "SELECT DISTINCT b.user_id FROM chat_members a JOIN chat_members b ON b.chat_id = a.chat_id "
                + "WHERE a.user_id = ? AND b.user_id IN (" + in + ")", me, others));
        visible.removeAll(ids(h, "SELECT blocked_id FROM chat_blocks WHERE blocker_id = ? AND blocked_id IN (" + in + ")", me, others));
        visible.removeAll(ids(h, "SELECT blocker_id FROM chat_blocks WHERE blocked_id = ? AND blocker_id IN (" + in + ")", me, others));
        Set<String> refused = new HashSet<>(others);
        refused.removeAll(visible);
        refused.remove(me);
        return refused;
    }

    private static List<String> ids(Handle h, String sql, String me, List<String> others) {
        List<Object> args = new ArrayList<>(others.size() + 1);
        args.add(me);
        args.addAll(others);
        List<String> out = new ArrayList<>();
        GeneratedSql.query(h, sql, args, rs -> out.add(rs.getString(1)));
        return out;
    }

    /**
     * After {@code a} and {@code b} stopped being friends or one blocked the other (blocks): if they may
     * no longer see each other, this node's connections of each stop watching the other.
     */
    void relationEnded(String a, String b) {
        boolean hidden = db.withHandle(h -> !refused(h, a, List.of(b)).isEmpty());
        if (!hidden) return;
        forLocal(a, b, (s, other) -> api.presence().unwatch(s, other));
        forLocal(b, a, (s, other) -> api.presence().unwatch(s, other));
    }

    /** After {@code a} and {@code b} became friends: this node's connections of each start watching the other. */
    void friendsNow(String a, String b, int maxWatched) {
        java.util.function.BiConsumer<Session, String> watch = (s, other) -> {
            if (!s.watched().contains(other) && s.watched().size() < maxWatched) api.presence().watch(s, other);
        };
        forLocal(a, b, watch);
        forLocal(b, a, watch);
    }

    /** Runs {@code action(session, other)} on the executor of each open connection of {@code user} on this node. */
    private void forLocal(String user, String other, java.util.function.BiConsumer<Session, String> action) {
        for (Session s : api.sessions())
            if (user.equals(s.userId()) && !s.isClosed()) s.executor().execute(() -> {
                if (!s.isClosed()) action.accept(s, other);
            });
    }
}
