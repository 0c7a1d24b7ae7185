package io.hubbub.core.room;

/** Who may publish messages into a room. Admins and API-key callers may always publish. */
public enum PublishPolicy {
    MEMBERS,
    HOST,
    /** Only the server (HTTP publish API, server-side handlers). */
    SERVER
}
