package io.hubbub.core.feature.http;

/** Who may call a feature's HTTP route; checked before the handler runs. */
public enum Access {
    /**
     * Anyone; {@link RouteRequest#principal()} is still available when valid credentials are sent, and
     * null without credentials or with invalid ones (malformed, forged, expired): the handler decides,
     * e.g. to answer a foreign contract's own status code.
     */
    NONE,
    /** A signed-in user (bearer token), a guest token excluded, or an API key; not a room-scoped token. */
    USER,
    /**
     * As {@link #USER}, and room-scoped tokens too: the handler must confine such a caller to its rooms
     * ({@link io.hubbub.core.auth.Principal#mayEnter}). For routes a room-token holder needs (e.g. ICE servers).
     */
    USER_OR_ROOM_TOKEN,
    /** An admin user or an API key. */
    ADMIN,
    /** An API key only (server-to-server calls). */
    API_KEY
}
