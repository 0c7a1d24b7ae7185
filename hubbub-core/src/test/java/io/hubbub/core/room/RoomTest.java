package io.hubbub.core.room;

import io.hubbub.core.protocol.ErrorCode;
import io.hubbub.core.protocol.HubbubException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Room membership rules: capacity counts users (not connections), and the host role's succession order. */
class RoomTest {
    static Room room() {
        return new Room("r1", RoomSettings.defaults("Room", 100, 0), "creator", 1_000);
    }

    @Test
    void capacityCountsUsersNotConnections() {
        Room r = room();
        assertThat(r.addMember("a", "A", 1, 2)).isTrue();
        assertThat(r.addMember("b", "B", 2, 2)).isTrue();
        assertThatThrownBy(() -> r.addMember("c", "C", 3, 2))
                .isInstanceOfSatisfying(HubbubException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.ROOM_FULL));
        assertThat(r.addMember("a", "A", 4, 2)).as("a second tab of a member is not a new member").isFalse();
        assertThat(r.memberCount()).isEqualTo(2);
        assertThat(r.hasMember("c")).isFalse();

        r.removeMember("b", 5);
        assertThat(r.addMember("c", "C", 6, 2)).as("a freed place can be taken").isTrue();
    }

    @Test
    void zeroCapacityMeansNoLimit() {
        Room r = room();
        for (int i = 0; i < 500; i++) r.addMember("u" + i, "U", i, 0);
        assertThat(r.memberCount()).isEqualTo(500);
    }

    @Test
    void theFirstMemberBecomesHostWhenThereIsNone() {
        Room r = room();
        assertThat(r.hostId()).isNull();
        r.addMember("a", "Ann", 1, 0);
        r.addMember("b", "Bob", 2, 0);
        assertThat(r.hostId()).isEqualTo("a");
        assertThat(r.hostName()).isEqualTo("Ann");
    }

    @Test
    void theHostRolePassesToTheLongestPresentMemberInJoinOrder() {
        Room r = room();
        r.host("creator", "Creator");
        r.addMember("creator", "Creator", 1, 0);
        r.addMember("b", "Bob", 2, 0);
        r.addMember("c", "Cid", 3, 0);
        r.addMember("d", "Dee", 4, 0);

        Room.Departure d = r.removeMember("c", 5);
        assertThat(d.userLeft()).isTrue();
        assertThat(d.newHost()).as("a non-host leaving changes nothing").isNull();
        assertThat(r.hostId()).isEqualTo("creator");

        r.addMember("c", "Cid", 6, 0); // rejoining puts c at the end of the order
        d = r.removeMember("creator", 7);
        assertThat(d.newHost().userId()).isEqualTo("b");
        assertThat(r.hostId()).isEqualTo("b");
        d = r.removeMember("b", 8);
        assertThat(d.newHost().userId()).as("d has been present longer than the rejoined c").isEqualTo("d");
        d = r.removeMember("d", 9);
        assertThat(d.newHost().userId()).isEqualTo("c");
        d = r.removeMember("c", 10);
        assertThat(d.userLeft()).isTrue();
        assertThat(d.newHost()).isNull();
        assertThat(r.hostId()).isNull();
        assertThat(r.memberCount()).isZero();
        assertThat(r.emptySince()).isEqualTo(10);
    }

    @Test
    void aHostWithSeveralConnectionsStaysHostUntilTheLastOneLeaves() {
        Room r = room();
        r.addMember("a", "Ann", 1, 0);
        r.addMember("a", "Ann", 2, 0);
        r.addMember("b", "Bob", 3, 0);
        Room.Departure d = r.removeMember("a", 4);
        assertThat(d.userLeft()).isFalse();
        assertThat(d.newHost()).isNull();
        assertThat(r.hostId()).isEqualTo("a");
        assertThat(r.members()).extracting(Room.Member::sessions).containsExactly(1, 1);
        d = r.removeMember("a", 5);
        assertThat(d.userLeft()).isTrue();
        assertThat(d.newHost().userId()).isEqualTo("b");
        assertThat(r.members()).extracting(Room.Member::joinedAt).as("joinedAt is kept across tabs").containsExactly(3L);
    }

    @Test
    void removingSomeoneWhoIsNotThereIsHarmless() {
        Room r = room();
        r.addMember("a", "Ann", 1, 0);
        Room.Departure d = r.removeMember("ghost", 2);
        assertThat(d.userLeft()).isFalse();
        assertThat(d.newHost()).isNull();
        assertThat(r.memberCount()).isEqualTo(1);
    }
}
