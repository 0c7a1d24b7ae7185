package io.hubbub.chat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubbub.chat.FriendRules.Action;
import io.hubbub.chat.FriendRules.Relation;
import io.hubbub.core.protocol.HubbubException;
import io.hubbub.core.protocol.Json;
import io.hubbub.store.Database;

import java.time.Clock;
import java.util.List;

/**
 * Friend requests, friendships and blocks ({@link FriendRules} decides, this stores and tells the
 * other user). A block stops requests, direct messages and presence between the two. Methods block.
 */
final class Friends {
    static final int MAX_LIST = 5000;
    private final Database db;
    private final ChatStore store;
    private final Delivery delivery;
    private final Notifications notifications;
    private final Clock clock;

    Friends(Database db, ChatStore store, Delivery delivery, Notifications notifications, Clock clock) {
        this.db = db;
        this.store = store;
        this.delivery = delivery;
        this.notifications = notifications;
        this.clock = clock;
    }

    /** Applies an action of {@code me} towards {@code other}; replies {@code {userId, relation}}. */
    ObjectNode act(String me, String other, Action action) {
        if (me.equals(other)) throw HubbubException.badRequest("that is yourself");
        Relation[] result = new Relation[2];
        ChatStore.write(db, h -> {
            Relation now = FriendStore.relation(h, me, other);
            Relation next = FriendRules.apply(now, action);
            FriendStore.storeRelation(h, store.access, me, other, next, clock.millis());
            result[0] = now;
            result[1] = FriendStore.relation(h, me, other);
            return null;
        });
        ObjectNode about = Json.object().put("userId", me);
        switch (action) {
            case REQUEST -> {
                if (result[1] == Relation.FRIENDS) notifications.notify(other, "friend:request:accepted", about.deepCopy());
                else notifications.notify(other, "friend:request:new", about.deepCopy());
            }
            case ACCEPT -> notifications.notify(other, "friend:request:accepted", about.deepCopy());
            case DECLINE -> delivery.toUser(other, "friend:request:declined", about.deepCopy());
            case CANCEL -> delivery.toUser(other, "friend:request:cancelled", about.deepCopy());
            case REMOVE -> delivery.toUser(other, "friend:removed", about.deepCopy());
            case BLOCK, UNBLOCK -> { } // the blocked user is not told
        }
        // the actor's other devices follow the change
        delivery.toUser(me, "friend:updated", Json.object().put("userId", other).put("relation", wire(result[1])));
        return Json.object().put("userId", other).put("relation", wire(result[1]));
    }

    ObjectNode list(String me) {
        return db.withHandle(h -> {
            ObjectNode r = Json.object();
            put(r, "friends", FriendStore.list(h, "SELECT friend_id FROM chat_friends WHERE user_id = ? ORDER BY friend_id", me, MAX_LIST));
            put(r, "incoming", FriendStore.list(h, "SELECT from_id FROM chat_friend_requests WHERE to_id = ? ORDER BY created_at", me, MAX_LIST));
            put(r, "outgoing", FriendStore.list(h, "SELECT to_id FROM chat_friend_requests WHERE from_id = ? ORDER BY created_at", me, MAX_LIST));
            put(r, "blocked", FriendStore.list(h, "SELECT blocked_id FROM chat_blocks WHERE blocker_id = ? ORDER BY created_at", me, MAX_LIST));
            return r;
        });
    }

    static String wire(Relation r) {
        return r.name().toLowerCase(java.util.Locale.ROOT);
    }

    private static void put(ObjectNode r, String field, List<String> ids) {
        var a = r.putArray(field);
        ids.forEach(a::add);
    }
}
