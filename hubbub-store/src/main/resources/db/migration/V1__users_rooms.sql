-- Hubbub schema v1: accounts, persistent rooms and room memberships.
-- This one file runs unchanged on SQLite and PostgreSQL, so it uses only types both accept:
-- TEXT, INTEGER, BIGINT. Booleans are INTEGER 0/1; times are epoch milliseconds (BIGINT).
-- ${collate_binary} is a Flyway placeholder: COLLATE "C" on PostgreSQL, empty on SQLite (whose default
-- collation is already byte order), so ids sort and page the same way on both databases.

CREATE TABLE users (
    id             TEXT    NOT NULL PRIMARY KEY,
    username       TEXT    NOT NULL,
    -- lower-cased username (Locale.ROOT); the unique key that makes usernames case-insensitive
    username_key   TEXT    NOT NULL UNIQUE,
    display_name   TEXT    NOT NULL,
    avatar_url     TEXT,
    role           TEXT    NOT NULL,
    -- Argon2id PHC string; null for accounts that cannot sign in with a password
    password_hash  TEXT,
    created_at     BIGINT  NOT NULL
);

-- Room settings are stored as columns (not one JSON blob) so that listing and filtering stay plain SQL;
-- only the application metadata is JSON text.
CREATE TABLE rooms (
    id                 TEXT ${collate_binary} NOT NULL PRIMARY KEY,
    name               TEXT    NOT NULL,
    capacity           INTEGER NOT NULL,
    visibility         TEXT    NOT NULL,
    publish_policy     TEXT    NOT NULL,
    history_size       INTEGER NOT NULL,
    history_ttl_sec    BIGINT  NOT NULL,
    presence           INTEGER NOT NULL,
    join_leave_events  INTEGER NOT NULL,
    metadata           TEXT,
    persistent         INTEGER NOT NULL,
    sticky             INTEGER NOT NULL,
    created_by         TEXT,
    created_at         BIGINT  NOT NULL,
    closed             INTEGER NOT NULL DEFAULT 0
);

CREATE INDEX rooms_listing ON rooms (visibility, closed, id);

-- Who may join a private room. user_id has no foreign key to users on purpose: members may be users of an
-- external backend (tokens minted elsewhere) that have no local account.
CREATE TABLE room_members (
    room_id   TEXT   ${collate_binary} NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    user_id   TEXT   NOT NULL,
    added_at  BIGINT NOT NULL,
    PRIMARY KEY (room_id, user_id)
);

CREATE INDEX room_members_user ON room_members (user_id);
