package io.hubbub.chat;

import io.hubbub.core.protocol.ErrorCode;
import io.hubbub.core.protocol.HubbubException;

import java.time.Duration;

/**
 * The pure rules of chats: who may do what to whom, the direct-chat key, the edit window, unread
 * counts. No I/O; unit-tested on their own ({@code ChatRulesTest}).
 */
public final class ChatRules {
    private ChatRules() {}

    /** A member's role in a group chat; direct chats have two {@link #MEMBER}s. */
    public enum Role {
        OWNER, ADMIN, MEMBER;

        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        public static Role of(String s) {
            return valueOf(s.toUpperCase(java.util.Locale.ROOT));
        }
    }

    public enum Kind { DIRECT, GROUP }

    /** The one key of the direct chat between two users, the same whichever of them asks. */
    public static String directKey(String a, String b) {
        return a.compareTo(b) <= 0 ? a + "|" + b : b + "|" + a;
    }

    /** Adding members and editing the chat's name/image/description: owner and admins of a group. */
    public static void requireManager(Kind kind, Role actor, String what) {
        if (kind == Kind.DIRECT) throw HubbubException.forbidden("a direct chat cannot " + what);
        if (actor == Role.MEMBER) throw HubbubException.forbidden("only the owner or an admin may " + what);
    }

    /** Removing {@code target}: the owner removes anyone else, an admin removes plain members only. */
    public static void requireCanRemove(Kind kind, Role actor, Role target) {
        if (kind == Kind.DIRECT) throw HubbubException.forbidden("a direct chat cannot remove members");
        if (target == Role.OWNER) throw HubbubException.forbidden("the owner cannot be removed (transfer ownership first)");
        if (actor == Role.OWNER) return;
        if (actor == Role.ADMIN && target == Role.MEMBER) return;
        throw HubbubException.forbidden("only the owner removes admins; members remove no one");
    }

    /** Promote/demote (admin ↔ member) and ownership transfer: the owner of a group only. */
    public static void requireOwner(Kind kind, Role actor, String what) {
        if (kind == Kind.DIRECT) throw HubbubException.forbidden("a direct chat cannot " + what);
        if (actor != Role.OWNER) throw HubbubException.forbidden("only the owner may " + what);
    }

    /** The owner leaves only after transferring ownership, unless they are the last member. */
    public static void requireCanLeave(Kind kind, Role actor, int members) {
        if (kind == Kind.DIRECT) throw HubbubException.forbidden("a direct chat cannot be left");
        if (actor == Role.OWNER && members > 1) throw HubbubException.forbidden("the owner must transfer ownership before leaving");
    }

    /** A group may not grow beyond {@code max} members. */
    public static void requireRoom(int current, int adding, int max) {
        if (current + adding > max)
            throw new HubbubException(ErrorCode.LIMIT_EXCEEDED, "a chat has at most " + max + " members");
    }

    /** Editing or deleting: the sender only, within the window (zero = no limit), not a deleted or system message. */
    public static void requireCanChange(String senderId, String actorId, String kind, boolean deleted, long createdAt,
                                        long now, Duration window, String what) {
        if (deleted) throw HubbubException.notFound("the message was deleted");
        if (!"text".equals(kind)) throw HubbubException.forbidden("a system message cannot be " + what);
        if (!senderId.equals(actorId)) throw HubbubException.forbidden("only the sender may " + (what.equals("edited") ? "edit" : "delete") + " a message");
        if (!window.isZero() && now - createdAt > window.toMillis())
            throw HubbubException.forbidden("the " + (what.equals("edited") ? "edit" : "delete") + " window of " + window.toMinutes() + " min has passed");
    }

    /** Unread messages of a member: those after their last read position (their own sends advance it). */
    public static long unread(long lastSeq, long lastRead) {
        return Math.max(0, lastSeq - lastRead);
    }

    /** The short excerpt of a replied message carried by the reply. */
    public static String excerpt(String text, boolean deleted) {
        if (deleted) return "";
        int max = 100;
        if (text.length() <= max) return text;
        int cut = Character.isHighSurrogate(text.charAt(max - 1)) ? max - 1 : max;
        return text.substring(0, cut) + "…";
    }
}
