-- The chat feature's tables (SQLite and PostgreSQL alike). Ids are opaque strings chosen by the
-- server (chats, messages, notifications) or by the auth system (users).

-- A chat: kind 'direct' (exactly two members, one per pair: direct_key = 'a|b' with a < b) or 'group'.
-- last_seq is the chat's sequence counter: bumped in the transaction that inserts its messages, so
-- sequence numbers are gap-free and unique even with several nodes writing.
CREATE TABLE chat_chats (
    id          VARCHAR(40)  PRIMARY KEY,
    kind        VARCHAR(8)   NOT NULL,
    direct_key  VARCHAR(140) UNIQUE,
    name        VARCHAR(200),
    image       VARCHAR(1000),
    description VARCHAR(2000),
    owner_id    VARCHAR(64),
    last_seq    BIGINT       NOT NULL DEFAULT 0,
    created_at  BIGINT       NOT NULL,
    updated_at  BIGINT       NOT NULL
);

-- Membership with the member's receipts: last_delivered / last_read are sequence numbers.
CREATE TABLE chat_members (
    chat_id        VARCHAR(40) NOT NULL,
    user_id        VARCHAR(64) NOT NULL,
    role           VARCHAR(8)  NOT NULL,
    joined_at      BIGINT      NOT NULL,
    last_delivered BIGINT      NOT NULL DEFAULT 0,
    last_read      BIGINT      NOT NULL DEFAULT 0,
    muted          INTEGER     NOT NULL DEFAULT 0,
    PRIMARY KEY (chat_id, user_id)
);
CREATE INDEX chat_members_user ON chat_members (user_id);

-- Messages: (chat_id, seq) is the position; a deleted message stays as a tombstone (deleted = 1,
-- text emptied). (chat_id, sender_id, client_id) makes a retried send idempotent.
CREATE TABLE chat_messages (
    id          VARCHAR(40)  NOT NULL UNIQUE,
    chat_id     VARCHAR(40)  NOT NULL,
    seq         BIGINT       NOT NULL,
    sender_id   VARCHAR(64)  NOT NULL,
    client_id   VARCHAR(64),
    kind        VARCHAR(8)   NOT NULL,
    text        TEXT         NOT NULL,
    reply_to    VARCHAR(40),
    extra       TEXT,
    created_at  BIGINT       NOT NULL,
    edited_at   BIGINT,
    deleted     INTEGER      NOT NULL DEFAULT 0,
    PRIMARY KEY (chat_id, seq)
);
CREATE UNIQUE INDEX chat_messages_client ON chat_messages (chat_id, sender_id, client_id);
CREATE INDEX chat_messages_time ON chat_messages (chat_id, created_at);

-- Reactions: one per (message, user, emoji); sending the same again removes it (toggle).
CREATE TABLE chat_reactions (
    message_id VARCHAR(40) NOT NULL,
    user_id    VARCHAR(64) NOT NULL,
    emoji      VARCHAR(32) NOT NULL,
    created_at BIGINT      NOT NULL,
    PRIMARY KEY (message_id, user_id, emoji)
);

-- Friendship is stored once per direction (two rows) so "my friends" is one index range.
CREATE TABLE chat_friends (
    user_id   VARCHAR(64) NOT NULL,
    friend_id VARCHAR(64) NOT NULL,
    since     BIGINT      NOT NULL,
    PRIMARY KEY (user_id, friend_id)
);
CREATE TABLE chat_friend_requests (
    from_id    VARCHAR(64) NOT NULL,
    to_id      VARCHAR(64) NOT NULL,
    created_at BIGINT      NOT NULL,
    PRIMARY KEY (from_id, to_id)
);
CREATE INDEX chat_friend_requests_to ON chat_friend_requests (to_id);
CREATE TABLE chat_blocks (
    blocker_id VARCHAR(64) NOT NULL,
    blocked_id VARCHAR(64) NOT NULL,
    created_at BIGINT      NOT NULL,
    PRIMARY KEY (blocker_id, blocked_id)
);
CREATE INDEX chat_blocks_blocked ON chat_blocks (blocked_id);

-- Notifications, kept for notificationTtl and removed by a bounded periodic cleanup.
CREATE TABLE chat_notifications (
    id         VARCHAR(40) PRIMARY KEY,
    user_id    VARCHAR(64) NOT NULL,
    kind       VARCHAR(32) NOT NULL,
    data       TEXT        NOT NULL,
    created_at BIGINT      NOT NULL,
    read_at    BIGINT
);
CREATE INDEX chat_notifications_user ON chat_notifications (user_id, created_at);
CREATE INDEX chat_notifications_age ON chat_notifications (created_at);
