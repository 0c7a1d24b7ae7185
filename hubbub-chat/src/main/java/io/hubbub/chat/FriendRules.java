package io.hubbub.chat;

import io.hubbub.core.protocol.ErrorCode;
import io.hubbub.core.protocol.HubbubException;

/**
 * The friendship state machine between a user ("me") and another: which action is allowed from which
 * relation, and what it becomes. Pure; unit-tested ({@code FriendRulesTest}).
 */
public final class FriendRules {
    private FriendRules() {}

    /** How the other user stands to me. A block in either direction wins over everything else. */
    public enum Relation { NONE, FRIENDS, OUTGOING, INCOMING, BLOCKED_BY_ME, BLOCKED_ME }

    public enum Action { REQUEST, ACCEPT, DECLINE, CANCEL, REMOVE, BLOCK, UNBLOCK }

    /** What to store: the relation after the action, or an error with a documented code. */
    public static Relation apply(Relation now, Action action) {
        return switch (action) {
            case REQUEST -> switch (now) {
                case NONE -> Relation.OUTGOING;
                case INCOMING -> Relation.FRIENDS; // both asked: they are friends
                case OUTGOING -> throw conflict("a friend request is already pending");
                case FRIENDS -> throw conflict("already friends");
                case BLOCKED_BY_ME, BLOCKED_ME -> throw HubbubException.forbidden("blocked");
            };
            case ACCEPT -> require(now, Relation.INCOMING, "no friend request from this user", Relation.FRIENDS);
            case DECLINE -> require(now, Relation.INCOMING, "no friend request from this user", Relation.NONE);
            case CANCEL -> require(now, Relation.OUTGOING, "no friend request to this user", Relation.NONE);
            case REMOVE -> require(now, Relation.FRIENDS, "not friends", Relation.NONE);
            case BLOCK -> switch (now) {
                case BLOCKED_BY_ME -> throw conflict("already blocked");
                default -> Relation.BLOCKED_BY_ME; // drops a friendship and any request in either direction
            };
            case UNBLOCK -> require(now, Relation.BLOCKED_BY_ME, "this user is not blocked", Relation.NONE);
        };
    }

    private static Relation require(Relation now, Relation needed, String otherwise, Relation next) {
        if (now != needed) throw HubbubException.notFound(otherwise);
        return next;
    }

    private static HubbubException conflict(String message) {
        return new HubbubException(ErrorCode.CONFLICT, message);
    }
}
