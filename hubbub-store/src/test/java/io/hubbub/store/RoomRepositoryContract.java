package io.hubbub.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hubbub.core.protocol.ErrorCode;
import io.hubbub.core.protocol.HubbubException;
import io.hubbub.core.room.PublishPolicy;
import io.hubbub.core.room.RoomSettings;
import io.hubbub.core.room.Visibility;
import io.hubbub.core.store.RoomRecord;
import io.hubbub.core.store.RoomRepository;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The behaviour every {@link RoomRepository} must have. A subclass supplies a fresh, empty repository per
 * test (and closes what it opened); every implementation runs this same suite.
 */
public abstract class RoomRepositoryContract {

    private static final ObjectMapper JSON = new ObjectMapper();

    protected RoomRepository repo;

    /** A new repository over an empty, migrated store. Called before each test. */
    protected abstract RoomRepository createRepository() throws Exception;

    @BeforeEach
    void setUpRepository() throws Exception {
        repo = createRepository();
    }

    private static RoomRecord room(String id, Visibility visibility, boolean closed) {
        RoomSettings s = new RoomSettings("Room " + id, 0, visibility, PublishPolicy.MEMBERS, 100, 0,
                true, true, null, true, false);
        return new RoomRecord(id, s, "u-host", 1_700_000_000_000L, closed);
    }

    @Test
    void createdRoomIsFoundWithEverySettingAndItsMetadata() throws Exception {
        JsonNode metadata = JSON.readTree("""
                {"topic":"lobby ☕","limits":{"max":3,"ratio":0.5},"tags":["a","b"],"flag":true,"none":null}""");
        RoomSettings settings = new RoomSettings("Café talk", 25, Visibility.PRIVATE, PublishPolicy.HOST, 500,
                3600, false, true, metadata, true, true);
        RoomRecord record = new RoomRecord("cafe", settings, "u-1", 1_700_000_123_456L, false);
        repo.create(record);

        RoomRecord found = repo.find("cafe").orElseThrow();
        assertThat(found).isEqualTo(record);
        assertThat(found.settings().metadata().get("limits").get("ratio").asDouble()).isEqualTo(0.5);
        assertThat(repo.find("nope")).isEmpty();
        assertThat(repo.find(null)).isEmpty();
    }

    @Test
    void everyFlagCombinationRoundTrips() {
        RoomSettings s = new RoomSettings("flags", 1, Visibility.PUBLIC, PublishPolicy.SERVER, 0, 0,
                true, false, null, false, true);
        repo.create(new RoomRecord("flags", s, null, 1, true));
        RoomRecord found = repo.find("flags").orElseThrow();
        assertThat(found.settings()).isEqualTo(s);
        assertThat(found.closed()).isTrue();
        assertThat(found.createdBy()).isNull();
    }

    @Test
    void duplicateRoomIdIsAConflictAndKeepsTheOriginal() {
        repo.create(room("dup", Visibility.PUBLIC, false));
        RoomRecord other = new RoomRecord("dup", RoomSettings.defaults("Other", 5, 0), "u-2", 2, false);
        assertThatThrownBy(() -> repo.create(other))
                .isInstanceOfSatisfying(HubbubException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT));
        assertThat(repo.find("dup")).map(r -> r.settings().name()).contains("Room dup");
    }

    @Test
    void updateReplacesSettingsAndClosedFlagButNotCreator() throws Exception {
        repo.create(room("r1", Visibility.PUBLIC, false));
        RoomSettings changed = new RoomSettings("Renamed", 10, Visibility.PRIVATE, PublishPolicy.SERVER, 7, 60,
                false, false, JSON.readTree("{\"v\":2}"), true, false);
        assertThat(repo.update(new RoomRecord("r1", changed, "someone-else", 99, true))).isTrue();

        RoomRecord found = repo.find("r1").orElseThrow();
        assertThat(found.settings()).isEqualTo(changed);
        assertThat(found.closed()).isTrue();
        assertThat(found.createdBy()).isEqualTo("u-host");
        assertThat(found.createdAt()).isEqualTo(1_700_000_000_000L);

        assertThat(repo.update(room("missing", Visibility.PUBLIC, false))).isFalse();
        assertThat(repo.find("missing")).isEmpty();
    }

    @Test
    void listPublicPagesOpenPublicRoomsInIdByteOrder() {
        // Mixed case and punctuation: byte order is "Alpha" < "alpha-2" < "alpha_1" < "beta" < "gamma".
        for (String id : List.of("gamma", "alpha_1", "Alpha", "beta", "alpha-2")) {
            repo.create(room(id, Visibility.PUBLIC, false));
        }
        repo.create(room("hidden", Visibility.PRIVATE, false));
        repo.create(room("archived", Visibility.PUBLIC, true));

        List<String> all = new ArrayList<>();
        String after = null;
        for (int page = 0; page < 10; page++) {
            List<RoomRecord> rooms = repo.listPublic(after, 2);
            assertThat(rooms.size()).isLessThanOrEqualTo(2);
            if (rooms.isEmpty()) break;
            rooms.forEach(r -> all.add(r.id()));
            after = rooms.getLast().id();
        }
        assertThat(all).containsExactly("Alpha", "alpha-2", "alpha_1", "beta", "gamma");
        assertThat(repo.listPublic("beta", 10)).extracting(RoomRecord::id).containsExactly("gamma");
        assertThat(repo.listPublic(null, 0)).isEmpty();
    }

    @Test
    void listOpenHasPrivateAndPublicButNoClosedRooms() {
        repo.create(room("a", Visibility.PUBLIC, false));
        repo.create(room("b", Visibility.PRIVATE, false));
        repo.create(room("c", Visibility.PUBLIC, true));
        assertThat(repo.listOpen()).extracting(RoomRecord::id).containsExactly("a", "b");

        RoomRecord reopened = new RoomRecord("c", room("c", Visibility.PUBLIC, false).settings(), "u-host",
                1_700_000_000_000L, false);
        repo.update(reopened);
        assertThat(repo.listOpen()).extracting(RoomRecord::id).containsExactly("a", "b", "c");
    }

    @Test
    void membershipIsAddedOnceCheckedListedAndRemovedPerRoom() throws Exception {
        repo.create(room("team", Visibility.PRIVATE, false));
        repo.create(room("other", Visibility.PRIVATE, false));
        repo.addMember("team", "u-2");
        Thread.sleep(2); // distinct added_at, so order by addition is observable
        repo.addMember("team", "u-1");
        repo.addMember("team", "u-2"); // again: no duplicate, no error
        repo.addMember("other", "u-3");

        assertThat(repo.members("team")).containsExactly("u-2", "u-1");
        assertThat(repo.isMember("team", "u-1")).isTrue();
        assertThat(repo.isMember("team", "u-3")).isFalse();
        assertThat(repo.isMember("other", "u-3")).isTrue();

        repo.removeMember("team", "u-2");
        repo.removeMember("team", "u-9"); // not a member: nothing happens
        assertThat(repo.members("team")).containsExactly("u-1");
        assertThat(repo.isMember("team", "u-2")).isFalse();
        assertThat(repo.members("nowhere")).isEmpty();
    }

    @Test
    void addingAMemberToAMissingRoomIsNotFound() {
        assertThatThrownBy(() -> repo.addMember("ghost", "u-1"))
                .isInstanceOfSatisfying(HubbubException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
        assertThat(repo.isMember("ghost", "u-1")).isFalse();
    }
}
