package io.hubbub.core.engine;

/**
 * A non-persistent room as the {@link RoomDirectory} knows it, so every node can run it.
 *
 * @param id        room id
 * @param settings  the room's options as the JSON object of {@code RoomJson} (opaque to the engine)
 * @param createdBy user id of the creator, or null (server)
 * @param createdAt epoch millis of creation
 * @param host      user id of the host at creation, or null
 */
public record RoomEntry(String id, String settings, String createdBy, long createdAt, String host) {
    public RoomEntry {
        if (id == null || id.isEmpty()) throw new IllegalArgumentException("id is required");
        if (settings == null) throw new IllegalArgumentException("settings is required");
    }

    public RoomEntry withSettings(String next) {
        return new RoomEntry(id, next, createdBy, createdAt, host);
    }
}
