package io.hubbub.core.feature.http;

/** Who may call a feature's HTTP route; checked before the handler runs. */
public enum Access {
    /** Anyone; {@link RouteRequest#principal()} is still available when credentials are sent. */
    NONE,
    /** A signed-in user (bearer token), a guest token excluded, or an API key. */
    USER,
    /** An admin user or an API key. */
    ADMIN,
    /** An API key only (server-to-server calls). */
    API_KEY
}
