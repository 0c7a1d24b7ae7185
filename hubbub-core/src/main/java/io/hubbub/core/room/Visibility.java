package io.hubbub.core.room;

/** Who may find and join a room. */
public enum Visibility {
    /** Listed; anyone authenticated may join. */
    PUBLIC,
    /** Not listed; joining needs membership (an invite) or a room-scoped token. */
    PRIVATE
}
