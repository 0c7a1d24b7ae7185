package io.hubbub.chat;

import org.jdbi.v3.core.Handle;

import java.util.List;

/**
 * SQL of friend requests, friendships (stored both ways) and blocks (one way). {@link FriendRules}
 * decides which relation may follow which; this stores it and tells the send cache ({@link SendAccess})
 * of every change. Blocks: blocking executor.
 */
final class FriendStore {
    private FriendStore() { }

    static FriendRules.Relation relation(Handle h, String me, String other) {
        if (exists(h, "SELECT 1 FROM chat_blocks WHERE blocker_id = ? AND blocked_id = ?", me, other)) return FriendRules.Relation.BLOCKED_BY_ME;
        if (exists(h, "SELECT 1 FROM chat_blocks WHERE blocker_id = ? AND blocked_id = ?", other, me)) return FriendRules.Relation.BLOCKED_ME;
        if (exists(h, "SELECT 1 FROM chat_friends WHERE user_id = ? AND friend_id = ?", me, other)) return FriendRules.Relation.FRIENDS;
        if (exists(h, "SELECT 1 FROM chat_friend_requests WHERE from_id = ? AND to_id = ?", me, other)) return FriendRules.Relation.OUTGOING;
        if (exists(h, "SELECT 1 FROM chat_friend_requests WHERE from_id = ? AND to_id = ?", other, me)) return FriendRules.Relation.INCOMING;
        return FriendRules.Relation.NONE;
    }

    static boolean blockedEitherWay(Handle h, String a, String b) {
        return exists(h, "SELECT 1 FROM chat_blocks WHERE (blocker_id = ? AND blocked_id = ?) OR (blocker_id = ? AND blocked_id = ?)", a, b, b, a);
    }

    /** Stores {@code next} as the relation of me to other (the rules decided it is allowed). */
    static void storeRelation(Handle h, SendAccess access, String me, String other, FriendRules.Relation next, long now) {
        h.execute("DELETE FROM chat_friend_requests WHERE (from_id = ? AND to_id = ?) OR (from_id = ? AND to_id = ?)", me, other, other, me);
        if (next != FriendRules.Relation.FRIENDS) h.execute("DELETE FROM chat_friends WHERE (user_id = ? AND friend_id = ?) OR (user_id = ? AND friend_id = ?)", me, other, other, me);
        if (next != FriendRules.Relation.BLOCKED_BY_ME) h.execute("DELETE FROM chat_blocks WHERE blocker_id = ? AND blocked_id = ?", me, other);
        switch (next) {
            case OUTGOING -> h.execute("INSERT INTO chat_friend_requests (from_id, to_id, created_at) VALUES (?, ?, ?)", me, other, now);
            case FRIENDS -> {
                if (!exists(h, "SELECT 1 FROM chat_friends WHERE user_id = ? AND friend_id = ?", me, other)) {
                    h.execute("INSERT INTO chat_friends (user_id, friend_id, since) VALUES (?, ?, ?)", me, other, now);
                    h.execute("INSERT INTO chat_friends (user_id, friend_id, since) VALUES (?, ?, ?)", other, me, now);
                }
            }
            case BLOCKED_BY_ME -> h.execute("INSERT INTO chat_blocks (blocker_id, blocked_id, created_at) VALUES (?, ?, ?)", me, other, now);
            case NONE, INCOMING, BLOCKED_ME -> { }
        }
        access.invalidateAll();
    }

    static List<String> list(Handle h, String sql, String userId, int limit) {
        return h.createQuery(sql + " LIMIT ?").bind(0, userId).bind(1, limit).mapTo(String.class).list();
    }

    private static boolean exists(Handle h, String sql, Object... args) {
        var q = h.createQuery(sql);
        for (int i = 0; i < args.length; i++) q.bind(i, args[i]);
        return q.mapTo(Integer.class).findFirst().isPresent();
    }
}
