package io.hubbub.spaces;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.hubbub.core.protocol.HubbubException;
import io.hubbub.store.Database;
import org.jdbi.v3.core.Handle;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The feature's tables (migrations in {@code db/spaces}). Blocking: call from route handlers or
 * {@code ctx.blocking()} only. Unknown ids referenced by a write are {@code bad_request} (the seed's
 * contract) and the write does nothing; multi-row writes run in one transaction.
 */
final class SpaceStore {

    record Avatar(String id, String imageUrl, String name) {}

    record Element(String id, String imageUrl, int width, int height, @JsonProperty("static") boolean isStatic) {}

    record Space(String id, String name, Dimensions dimensions, String thumbnail, String ownerId, boolean persistentChat) {}

    /** An element placed in a space: {@code id} is the placement's own id. */
    record Placed(String id, Element element, int x, int y) {}

    /** A placement request of a map's default element. */
    record Placement(String elementId, int x, int y) {}

    record ChatLine(String id, String userId, String name, String message, long ts) {}

    private final Database db;
    private final Clock clock;

    SpaceStore(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    static String newId() {
        return UUID.randomUUID().toString().replace("-", "");
    }

    // ---- avatars ----

    String createAvatar(String imageUrl, String name) {
        String id = newId();
        db.useHandle(h -> h.execute("INSERT INTO spaces_avatars (id, image_url, name, created_at) VALUES (?, ?, ?, ?)",
                id, imageUrl, name, clock.millis()));
        return id;
    }

    List<Avatar> avatars() {
        return db.withHandle(h -> h.createQuery("SELECT id, image_url, name FROM spaces_avatars ORDER BY created_at, id")
                .map((rs, c) -> new Avatar(rs.getString(1), rs.getString(2), rs.getString(3))).list());
    }

    /** Sets a user's avatar; {@code bad_request} if the avatar does not exist. */
    void setUserAvatar(String userId, String avatarId) {
        db.inTransaction(h -> {
            if (count(h, "SELECT COUNT(*) FROM spaces_avatars WHERE id = ?", avatarId) == 0)
                throw HubbubException.badRequest("unknown avatarId");
            h.execute("INSERT INTO spaces_user_avatars (user_id, avatar_id) VALUES (?, ?) "
                    + "ON CONFLICT (user_id) DO UPDATE SET avatar_id = excluded.avatar_id", userId, avatarId);
            return null;
        });
    }

    /** userId → avatarId for those of {@code userIds} that chose one. */
    Map<String, String> userAvatars(List<String> userIds) {
        if (userIds.isEmpty()) return Map.of();
        return db.withHandle(h -> {
            Map<String, String> out = new java.util.LinkedHashMap<>();
            h.createQuery("SELECT user_id, avatar_id FROM spaces_user_avatars WHERE user_id IN (<ids>)")
                    .bindList("ids", userIds).map((rs, c) -> Map.entry(rs.getString(1), rs.getString(2)))
                    .forEach(e -> out.put(e.getKey(), e.getValue()));
            return out;
        });
    }

    // ---- elements ----

    String createElement(String imageUrl, int width, int height, boolean isStatic) {
        String id = newId();
        db.useHandle(h -> h.execute("INSERT INTO spaces_elements (id, image_url, width, height, is_static, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                id, imageUrl, width, height, isStatic, clock.millis()));
        return id;
    }

    /** Changes only the image; false if there is no such element. */
    boolean updateElementImage(String id, String imageUrl) {
        return db.withHandle(h -> h.execute("UPDATE spaces_elements SET image_url = ? WHERE id = ?", imageUrl, id)) > 0;
    }

    List<Element> elements() {
        return db.withHandle(h -> h.createQuery("SELECT id, image_url, width, height, is_static FROM spaces_elements ORDER BY created_at, id")
                .map((rs, c) -> element(rs, 1)).list());
    }

    Optional<Element> element(String id) {
        return db.withHandle(h -> h.createQuery("SELECT id, image_url, width, height, is_static FROM spaces_elements WHERE id = ?")
                .bind(0, id).map((rs, c) -> element(rs, 1)).findOne());
    }

    private static Element element(ResultSet rs, int i) throws SQLException {
        return new Element(rs.getString(i), rs.getString(i + 1), rs.getInt(i + 2), rs.getInt(i + 3), rs.getBoolean(i + 4));
    }

    // ---- maps ----

    /** Creates a map with its default elements; {@code bad_request} (and nothing created) for an unknown element. */
    String createMap(String name, String thumbnail, Dimensions d, List<Placement> defaults) {
        String id = newId();
        db.inTransaction(h -> {
            for (Placement p : defaults) {
                if (count(h, "SELECT COUNT(*) FROM spaces_elements WHERE id = ?", p.elementId()) == 0)
                    throw HubbubException.badRequest("unknown elementId '" + p.elementId() + "'");
            }
            h.execute("INSERT INTO spaces_maps (id, name, thumbnail, width, height, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                    id, name, thumbnail, d.width(), d.height(), clock.millis());
            for (Placement p : defaults)
                h.execute("INSERT INTO spaces_map_elements (id, map_id, element_id, x, y) VALUES (?, ?, ?, ?, ?)", newId(), id, p.elementId(), p.x(), p.y());
            return null;
        });
        return id;
    }

    // ---- spaces ----

    /**
     * Creates a space, empty or from a map: the space gets its own copy of the map's elements and,
     * when {@code d} is null, the map's dimensions. {@code bad_request} for an unknown map.
     */
    String createSpace(String ownerId, String name, Dimensions d, String mapId, boolean persistentChat) {
        String id = newId();
        db.inTransaction(h -> {
            Dimensions dims = d;
            String thumbnail = null;
            if (mapId != null) {
                var map = h.createQuery("SELECT width, height, thumbnail FROM spaces_maps WHERE id = ?").bind(0, mapId)
                        .map((rs, c) -> new Object[] {new Dimensions(rs.getInt(1), rs.getInt(2)), rs.getString(3)}).findOne()
                        .orElseThrow(() -> HubbubException.badRequest("unknown mapId"));
                if (dims == null) dims = (Dimensions) map[0];
                thumbnail = (String) map[1];
            }
            h.execute("INSERT INTO spaces_spaces (id, name, width, height, thumbnail, owner_id, persistent_chat, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    id, name, dims.width(), dims.height(), thumbnail, ownerId, persistentChat, clock.millis());
            if (mapId != null) {
                Dimensions inside = dims;
                List<Placement> copy = h.createQuery("SELECT element_id, x, y FROM spaces_map_elements WHERE map_id = ?").bind(0, mapId)
                        .map((rs, c) -> new Placement(rs.getString(1), rs.getInt(2), rs.getInt(3))).list();
                for (Placement p : copy) {
                    if (!inside.contains(p.x(), p.y())) continue; // a smaller space than its map keeps what fits
                    h.execute("INSERT INTO spaces_space_elements (id, space_id, element_id, x, y) VALUES (?, ?, ?, ?, ?)",
                            newId(), id, p.elementId(), p.x(), p.y());
                }
            }
            return null;
        });
        return id;
    }

    Optional<Space> space(String id) {
        return db.withHandle(h -> h.createQuery("SELECT id, name, width, height, thumbnail, owner_id, persistent_chat FROM spaces_spaces WHERE id = ?")
                .bind(0, id).map((rs, c) -> space(rs)).findOne());
    }

    List<Space> spacesOf(String ownerId) {
        return db.withHandle(h -> h.createQuery("SELECT id, name, width, height, thumbnail, owner_id, persistent_chat FROM spaces_spaces "
                + "WHERE owner_id = ? ORDER BY created_at, id").bind(0, ownerId).map((rs, c) -> space(rs)).list());
    }

    private static Space space(ResultSet rs) throws SQLException {
        return new Space(rs.getString(1), rs.getString(2), new Dimensions(rs.getInt(3), rs.getInt(4)), rs.getString(5), rs.getString(6), rs.getBoolean(7));
    }

    /** Deletes a space with its elements and chat. */
    void deleteSpace(String id) {
        db.inTransaction(h -> {
            h.execute("DELETE FROM spaces_space_elements WHERE space_id = ?", id);
            h.execute("DELETE FROM spaces_messages WHERE space_id = ?", id);
            h.execute("DELETE FROM spaces_spaces WHERE id = ?", id);
            return null;
        });
    }

    List<Placed> spaceElements(String spaceId) {
        return db.withHandle(h -> h.createQuery("SELECT se.id, e.id, e.image_url, e.width, e.height, e.is_static, se.x, se.y "
                        + "FROM spaces_space_elements se JOIN spaces_elements e ON e.id = se.element_id WHERE se.space_id = ? ORDER BY se.id")
                .bind(0, spaceId).map((rs, c) -> new Placed(rs.getString(1), element(rs, 2), rs.getInt(7), rs.getInt(8))).list());
    }

    int countSpaceElements(String spaceId) {
        return db.withHandle(h -> count(h, "SELECT COUNT(*) FROM spaces_space_elements WHERE space_id = ?", spaceId));
    }

    String addSpaceElement(String spaceId, String elementId, int x, int y) {
        String id = newId();
        db.useHandle(h -> h.execute("INSERT INTO spaces_space_elements (id, space_id, element_id, x, y) VALUES (?, ?, ?, ?, ?)",
                id, spaceId, elementId, x, y));
        return id;
    }

    /** The space a placement belongs to, if the placement exists. */
    Optional<String> spaceOfPlacement(String placementId) {
        return db.withHandle(h -> h.createQuery("SELECT space_id FROM spaces_space_elements WHERE id = ?")
                .bind(0, placementId).mapTo(String.class).findOne());
    }

    void deletePlacement(String placementId) {
        db.useHandle(h -> h.execute("DELETE FROM spaces_space_elements WHERE id = ?", placementId));
    }

    // ---- chat of spaces that keep it ----

    void addMessage(String spaceId, ChatLine line) {
        db.useHandle(h -> h.execute("INSERT INTO spaces_messages (id, space_id, user_id, name, message, ts) VALUES (?, ?, ?, ?, ?, ?)",
                line.id(), spaceId, line.userId(), line.name(), line.message(), line.ts()));
    }

    /** Up to {@code limit} messages older than {@code beforeTs} (all if null), oldest first. */
    List<ChatLine> messages(String spaceId, Long beforeTs, int limit) {
        List<ChatLine> newestFirst = db.withHandle(h -> h.createQuery("SELECT id, user_id, name, message, ts FROM spaces_messages "
                        + "WHERE space_id = ? AND ts < ? ORDER BY ts DESC, id DESC LIMIT ?")
                .bind(0, spaceId).bind(1, beforeTs == null ? Long.MAX_VALUE : beforeTs).bind(2, limit)
                .map((rs, c) -> new ChatLine(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getLong(5))).list());
        List<ChatLine> out = new ArrayList<>(newestFirst);
        java.util.Collections.reverse(out);
        return out;
    }

    private static int count(Handle h, String sql, Object arg) {
        return h.createQuery(sql).bind(0, arg).mapTo(Integer.class).one();
    }
}
