-- The chain feature's tables (SQLite and PostgreSQL alike). Signatures are unique keys: that is what
-- makes processing and payments exactly-once across retries, restarts and nodes.

-- Every transaction the listener processed (or reported dropped), once.
CREATE TABLE chain_processed (
    signature    VARCHAR(100) PRIMARY KEY,
    slot         BIGINT       NOT NULL,
    status       VARCHAR(16)  NOT NULL,   -- confirmed | finalized | failed | dropped
    events       TEXT         NOT NULL,   -- the typed messages it produced (JSON array), re-sent if not yet emitted
    emitted      INTEGER      NOT NULL,   -- 1 once its messages were published
    fence        BIGINT       NOT NULL,   -- fencing token of the leader that processed it
    processed_at BIGINT       NOT NULL
);
CREATE INDEX chain_processed_emitted ON chain_processed (emitted, processed_at);

-- The durable backfill cursor per watched address: the newest signature all older ones are processed up to.
CREATE TABLE chain_cursor (
    address    VARCHAR(64)  PRIMARY KEY,
    signature  VARCHAR(100) NOT NULL,
    slot       BIGINT       NOT NULL,
    updated_at BIGINT       NOT NULL
);

-- The fencing token of the newest listener leader; a write with an older token is refused.
CREATE TABLE chain_fence (
    id    INTEGER PRIMARY KEY,
    token BIGINT  NOT NULL
);
INSERT INTO chain_fence (id, token) VALUES (1, 0);

-- Linked wallets: one owner per address.
CREATE TABLE chain_wallets (
    address   VARCHAR(64) PRIMARY KEY,
    user_id   VARCHAR(64) NOT NULL,
    linked_at BIGINT      NOT NULL
);
CREATE INDEX chain_wallets_user ON chain_wallets (user_id);

-- Single-use nonces for wallet linking.
CREATE TABLE chain_nonces (
    nonce      VARCHAR(64) PRIMARY KEY,
    user_id    VARCHAR(64) NOT NULL,
    expires_at BIGINT      NOT NULL
);

-- Rooms that take payments, and how a payment scores.
CREATE TABLE chain_room_rules (
    room       VARCHAR(64)  PRIMARY KEY,
    recipient  VARCHAR(64)  NOT NULL,
    mint       VARCHAR(64),             -- null: SOL (lamports)
    min_amount BIGINT       NOT NULL,   -- in base units (lamports or token base units)
    score_rule VARCHAR(16)  NOT NULL,   -- amount | count | fixed
    points     BIGINT       NOT NULL,   -- for fixed
    operator   VARCHAR(16)  NOT NULL,   -- increment | best | set
    reset      VARCHAR(16)  NOT NULL,   -- never | daily | weekly | monthly
    commitment VARCHAR(16)  NOT NULL
);

-- Verified payments, each signature once across the cluster.
CREATE TABLE chain_payments (
    signature  VARCHAR(100) PRIMARY KEY,
    user_id    VARCHAR(64)  NOT NULL,
    room       VARCHAR(64)  NOT NULL,
    amount     BIGINT       NOT NULL,
    slot       BIGINT       NOT NULL,
    status     VARCHAR(16)  NOT NULL,
    created_at BIGINT       NOT NULL
);
CREATE INDEX chain_payments_room ON chain_payments (room, created_at);

-- Leaderboard records per room and period ('all', '2026-12-05', '2026-W49', '2026-12'); old periods are history.
CREATE TABLE chain_scores (
    room       VARCHAR(64) NOT NULL,
    period     VARCHAR(16) NOT NULL,
    user_id    VARCHAR(64) NOT NULL,
    score      BIGINT      NOT NULL,
    reached_at BIGINT      NOT NULL,   -- when the current score was reached (ties: earlier first)
    PRIMARY KEY (room, period, user_id)
);
CREATE INDEX chain_scores_rank ON chain_scores (room, period, score, reached_at);
