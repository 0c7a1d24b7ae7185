package io.hubbub.chat;

import io.hubbub.chat.ChatRules.Kind;
import io.hubbub.chat.ChatRules.Role;
import io.hubbub.chat.FriendRules.Action;
import io.hubbub.chat.FriendRules.Relation;
import io.hubbub.core.protocol.HubbubException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The pure chat and friendship rules, without a server or a database. */
class ChatRulesTest {

    @Test
    void theDirectKeyIsTheSameWhoeverAsks() {
        assertThat(ChatRules.directKey("bob", "ann")).isEqualTo(ChatRules.directKey("ann", "bob")).isEqualTo("ann|bob");
    }

    @ParameterizedTest(name = "{0} removes {1}: {2}")
    @CsvSource({"OWNER,ADMIN,ok", "OWNER,MEMBER,ok", "OWNER,OWNER,forbidden", "ADMIN,MEMBER,ok", "ADMIN,ADMIN,forbidden",
            "ADMIN,OWNER,forbidden", "MEMBER,MEMBER,forbidden", "MEMBER,ADMIN,forbidden"})
    void whoMayRemoveWhom(Role actor, Role target, String outcome) {
        check(() -> ChatRules.requireCanRemove(Kind.GROUP, actor, target), outcome);
    }

    @Test
    void directChatsHaveNoMembershipChanges() {
        check(() -> ChatRules.requireManager(Kind.DIRECT, Role.MEMBER, "add members"), "forbidden");
        check(() -> ChatRules.requireCanRemove(Kind.DIRECT, Role.OWNER, Role.MEMBER), "forbidden");
        check(() -> ChatRules.requireCanLeave(Kind.DIRECT, Role.MEMBER, 2), "forbidden");
        check(() -> ChatRules.requireOwner(Kind.DIRECT, Role.OWNER, "transfer ownership"), "forbidden");
    }

    @Test
    void theOwnerLeavesOnlyWhenAloneOrAfterATransfer() {
        check(() -> ChatRules.requireCanLeave(Kind.GROUP, Role.OWNER, 3), "forbidden");
        check(() -> ChatRules.requireCanLeave(Kind.GROUP, Role.OWNER, 1), "ok");
        check(() -> ChatRules.requireCanLeave(Kind.GROUP, Role.ADMIN, 3), "ok");
    }

    @Test
    void memberLimit() {
        check(() -> ChatRules.requireRoom(999, 1, 1000), "ok");
        check(() -> ChatRules.requireRoom(999, 2, 1000), "limit_exceeded");
    }

    @Test
    void editsBySenderWithinTheWindow() {
        Duration w = Duration.ofMinutes(15);
        check(() -> ChatRules.requireCanChange("ann", "ann", "text", false, 0, w.toMillis(), w, "edited"), "ok");
        check(() -> ChatRules.requireCanChange("ann", "ann", "text", false, 0, w.toMillis() + 1, w, "edited"), "forbidden");
        check(() -> ChatRules.requireCanChange("ann", "ann", "text", false, 0, Long.MAX_VALUE, Duration.ZERO, "edited"), "ok");
        check(() -> ChatRules.requireCanChange("ann", "bob", "text", false, 0, 1, w, "edited"), "forbidden");
        check(() -> ChatRules.requireCanChange("ann", "ann", "system", false, 0, 1, w, "edited"), "forbidden");
        check(() -> ChatRules.requireCanChange("ann", "ann", "text", true, 0, 1, w, "deleted"), "not_found");
    }

    @Test
    void unreadAndExcerpts() {
        assertThat(ChatRules.unread(10, 7)).isEqualTo(3);
        assertThat(ChatRules.unread(10, 12)).isZero();
        assertThat(ChatRules.excerpt("x".repeat(150), false)).hasSize(101).endsWith("…");
        assertThat(ChatRules.excerpt("secret", true)).isEmpty();
    }

    @ParameterizedTest(name = "{0} + {1} -> {2}")
    @CsvSource({"NONE,REQUEST,OUTGOING", "INCOMING,REQUEST,FRIENDS", "OUTGOING,REQUEST,conflict", "FRIENDS,REQUEST,conflict",
            "BLOCKED_BY_ME,REQUEST,forbidden", "BLOCKED_ME,REQUEST,forbidden", "INCOMING,ACCEPT,FRIENDS", "NONE,ACCEPT,not_found",
            "OUTGOING,ACCEPT,not_found", "INCOMING,DECLINE,NONE", "OUTGOING,CANCEL,NONE", "INCOMING,CANCEL,not_found",
            "FRIENDS,REMOVE,NONE", "NONE,REMOVE,not_found", "FRIENDS,BLOCK,BLOCKED_BY_ME", "BLOCKED_ME,BLOCK,BLOCKED_BY_ME",
            "BLOCKED_BY_ME,BLOCK,conflict", "BLOCKED_BY_ME,UNBLOCK,NONE", "NONE,UNBLOCK,not_found"})
    void friendshipStateMachine(Relation now, Action action, String outcome) {
        if (outcome.equals(outcome.toUpperCase())) assertThat(FriendRules.apply(now, action)).isEqualTo(Relation.valueOf(outcome));
        else assertThatThrownBy(() -> FriendRules.apply(now, action)).isInstanceOfSatisfying(HubbubException.class,
                e -> assertThat(e.code().wire()).isEqualTo(outcome));
    }

    static void check(Runnable r, String outcome) {
        if (outcome.equals("ok")) assertThatCode(r::run).doesNotThrowAnyException();
        else assertThatThrownBy(r::run).isInstanceOfSatisfying(HubbubException.class, e -> assertThat(e.code().wire()).isEqualTo(outcome));
    }
}
