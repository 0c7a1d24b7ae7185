package io.hubbub.core.store;

import java.util.List;
import java.util.Optional;

/**
 * Persistent rooms and their memberships (who may join a private room).
 * <b>Blocking</b> (JDBC): never call on an event loop.
 */
public interface RoomRepository {

    /** Inserts; {@code conflict} if the id exists. */
    void create(RoomRecord room);

    /** Replaces settings and closed flag of an existing room; false if it does not exist. */
    boolean update(RoomRecord room);

    Optional<RoomRecord> find(String id);

    /** Public, not closed rooms ordered by id, starting after {@code afterId} (null for the first page). */
    List<RoomRecord> listPublic(String afterId, int limit);

    /** How many rooms that are not closed were created by this user (the per-user cap on persistent rooms). */
    int countOpenCreatedBy(String userId);

    /** All rooms that are not closed (loaded at startup). */
    List<RoomRecord> listOpen();

    void addMember(String roomId, String userId);

    void removeMember(String roomId, String userId);

    boolean isMember(String roomId, String userId);

    List<String> members(String roomId);
}
