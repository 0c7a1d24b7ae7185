package io.hubbub.core.store;

import io.hubbub.core.room.RoomSettings;

/** A persistent room as stored. */
public record RoomRecord(String id, RoomSettings settings, String createdBy, long createdAt, boolean closed) {}
