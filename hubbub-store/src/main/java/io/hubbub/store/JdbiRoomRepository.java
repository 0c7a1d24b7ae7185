package io.hubbub.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hubbub.core.protocol.ErrorCode;
import io.hubbub.core.protocol.HubbubException;
import io.hubbub.core.room.PublishPolicy;
import io.hubbub.core.room.RoomSettings;
import io.hubbub.core.room.Visibility;
import io.hubbub.core.store.RoomRecord;
import io.hubbub.core.store.RoomRepository;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.Update;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Persistent rooms in the {@code rooms} table and their memberships in {@code room_members}, on SQLite or
 * PostgreSQL.
 *
 * <p>Storage choice: each {@link RoomSettings} field is its own column (booleans as INTEGER 0/1) so listing
 * and filtering stay plain, portable SQL; only {@code metadata} (free application JSON) is a TEXT column
 * holding JSON written and read with Jackson. Room ids sort in byte order on both databases, so
 * {@link #listPublic} pages identically on each.
 *
 * <p><b>Blocking</b> (JDBC): never call on an event loop. Thread-safe. A database that cannot be reached gives
 * {@code unavailable}.
 */
public final class JdbiRoomRepository implements RoomRepository {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_PAGE = 1000;
    private static final String COLUMNS = """
            id, name, capacity, visibility, publish_policy, history_size, history_ttl_sec, presence,
            join_leave_events, metadata, persistent, sticky, created_by, created_at, closed""";

    private static final RowMapper<RoomRecord> MAPPER = (rs, ctx) -> new RoomRecord(
            rs.getString("id"), settings(rs), rs.getString("created_by"), rs.getLong("created_at"),
            rs.getInt("closed") != 0);

    private final Database db;

    public JdbiRoomRepository(Database db) {
        this.db = Objects.requireNonNull(db, "db");
    }

    @Override
    public void create(RoomRecord room) {
        Objects.requireNonNull(room.id(), "id");
        Objects.requireNonNull(room.settings(), "settings");
        int inserted = db.withHandle(h -> bindSettings(h.createUpdate("INSERT INTO rooms (" + COLUMNS + """
                        ) VALUES (:id, :name, :capacity, :visibility, :publishPolicy, :historySize, :historyTtlSec,
                                  :presence, :joinLeaveEvents, :metadata, :persistent, :sticky, :createdBy,
                                  :createdAt, :closed)
                        ON CONFLICT DO NOTHING"""), room)
                .bind("createdBy", room.createdBy())
                .bind("createdAt", room.createdAt())
                .execute());
        if (inserted == 0) throw new HubbubException(ErrorCode.CONFLICT, "room " + room.id() + " exists");
    }

    @Override
    public boolean update(RoomRecord room) {
        Objects.requireNonNull(room.id(), "id");
        Objects.requireNonNull(room.settings(), "settings");
        return db.withHandle(h -> bindSettings(h.createUpdate("""
                        UPDATE rooms
                           SET name = :name, capacity = :capacity, visibility = :visibility,
                               publish_policy = :publishPolicy, history_size = :historySize,
                               history_ttl_sec = :historyTtlSec, presence = :presence,
                               join_leave_events = :joinLeaveEvents, metadata = :metadata,
                               persistent = :persistent, sticky = :sticky, closed = :closed
                         WHERE id = :id"""), room)
                .execute()) > 0;
    }

    @Override
    public Optional<RoomRecord> find(String id) {
        if (id == null) return Optional.empty();
        return db.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM rooms WHERE id = :id")
                .bind("id", id).map(MAPPER).findOne());
    }

    @Override
    public List<RoomRecord> listPublic(String afterId, int limit) {
        if (limit <= 0) return List.of();
        int bounded = Math.min(limit, MAX_PAGE);
        return db.withHandle(h -> h.createQuery("SELECT " + COLUMNS + """
                         FROM rooms
                        WHERE visibility = :visibility AND closed = 0 AND id > :after
                        ORDER BY id
                        LIMIT :limit""")
                .bind("visibility", Visibility.PUBLIC.name())
                .bind("after", afterId == null ? "" : afterId)
                .bind("limit", bounded)
                .map(MAPPER)
                .list());
    }

    @Override
    public int countOpenCreatedBy(String userId) {
        return db.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM rooms WHERE created_by = :user AND closed = 0")
                .bind("user", userId).mapTo(Integer.class).one());
    }

    @Override
    public List<RoomRecord> listOpen() {
        return db.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM rooms WHERE closed = 0 ORDER BY id")
                .map(MAPPER).list());
    }

    /**
     * Adds a member; adding an existing member changes nothing.
     *
     * @throws HubbubException {@code not_found} if the room does not exist
     */
    @Override
    public void addMember(String roomId, String userId) {
        Objects.requireNonNull(roomId, "roomId");
        Objects.requireNonNull(userId, "userId");
        db.inTransaction(h -> {
            if (!roomExists(h, roomId)) throw HubbubException.notFound("room " + roomId + " does not exist");
            h.createUpdate("""
                            INSERT INTO room_members (room_id, user_id, added_at) VALUES (:room, :user, :now)
                            ON CONFLICT DO NOTHING""")
                    .bind("room", roomId).bind("user", userId).bind("now", System.currentTimeMillis())
                    .execute();
            return null;
        });
    }

    @Override
    public void removeMember(String roomId, String userId) {
        if (roomId == null || userId == null) return;
        db.useHandle(h -> h.createUpdate("DELETE FROM room_members WHERE room_id = :room AND user_id = :user")
                .bind("room", roomId).bind("user", userId).execute());
    }

    @Override
    public boolean isMember(String roomId, String userId) {
        if (roomId == null || userId == null) return false;
        return db.withHandle(h -> h.createQuery(
                        "SELECT COUNT(*) FROM room_members WHERE room_id = :room AND user_id = :user")
                .bind("room", roomId).bind("user", userId).mapTo(Integer.class).one() > 0);
    }

    /** Members in the order they were added (ties by user id). */
    @Override
    public List<String> members(String roomId) {
        if (roomId == null) return List.of();
        return db.withHandle(h -> h.createQuery(
                        "SELECT user_id FROM room_members WHERE room_id = :room ORDER BY added_at, user_id")
                .bind("room", roomId).mapTo(String.class).list());
    }

    private static boolean roomExists(Handle h, String roomId) {
        return h.createQuery("SELECT COUNT(*) FROM rooms WHERE id = :id").bind("id", roomId)
                .mapTo(Integer.class).one() > 0;
    }

    private static Update bindSettings(Update update, RoomRecord room) {
        RoomSettings s = room.settings();
        return update
                .bind("id", room.id())
                .bind("name", s.name())
                .bind("capacity", s.capacity())
                .bind("visibility", s.visibility().name())
                .bind("publishPolicy", s.publishPolicy().name())
                .bind("historySize", s.historySize())
                .bind("historyTtlSec", s.historyTtlSec())
                .bind("presence", flag(s.presence()))
                .bind("joinLeaveEvents", flag(s.joinLeaveEvents()))
                .bind("metadata", toJson(s.metadata()))
                .bind("persistent", flag(s.persistent()))
                .bind("sticky", flag(s.sticky()))
                .bind("closed", flag(room.closed()));
    }

    private static int flag(boolean b) {
        return b ? 1 : 0;
    }

    private static String toJson(JsonNode metadata) {
        if (metadata == null || metadata.isNull()) return null;
        try {
            return JSON.writeValueAsString(metadata);
        } catch (JsonProcessingException e) {
            throw HubbubException.badRequest("metadata is not serializable");
        }
    }

    private static RoomSettings settings(ResultSet rs) throws SQLException {
        String metadata = rs.getString("metadata");
        JsonNode node;
        try {
            node = metadata == null ? null : JSON.readTree(metadata);
        } catch (JsonProcessingException e) {
            throw new SQLException("room " + rs.getString("id") + " has unreadable metadata", e);
        }
        return new RoomSettings(
                rs.getString("name"),
                rs.getInt("capacity"),
                Visibility.valueOf(rs.getString("visibility")),
                PublishPolicy.valueOf(rs.getString("publish_policy")),
                rs.getInt("history_size"),
                rs.getLong("history_ttl_sec"),
                rs.getInt("presence") != 0,
                rs.getInt("join_leave_events") != 0,
                node,
                rs.getInt("persistent") != 0,
                rs.getInt("sticky") != 0);
    }
}
