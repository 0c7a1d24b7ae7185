-- The example feature's one table (SQLite and PostgreSQL alike).
CREATE TABLE dice_rolls (
    room      VARCHAR(64) NOT NULL,
    user_id   VARCHAR(64) NOT NULL,
    sides     INTEGER     NOT NULL,
    n         INTEGER     NOT NULL,
    rolled_at BIGINT      NOT NULL
);
CREATE INDEX dice_rolls_user ON dice_rolls (user_id, rolled_at);
