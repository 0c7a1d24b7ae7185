-- The push webhook's outbox: a delivery waiting for its (next) attempt survives a restart. One row per
-- stored notification (id = the notification's id, which receivers deduplicate by). A node claims due
-- rows by writing its claim token and a lease into them (one UPDATE, so each row has one claimer at a
-- time); success deletes the row, a failure sets the next due time and clears the lease, an expired
-- lease (the claimer died) makes the row claimable again.
CREATE TABLE chat_webhook_outbox (
    id          VARCHAR(40) PRIMARY KEY,
    user_id     VARCHAR(64) NOT NULL,
    body        TEXT        NOT NULL,
    attempts    INTEGER     NOT NULL DEFAULT 0,
    due_at      BIGINT      NOT NULL,
    lease_owner VARCHAR(40),
    lease_until BIGINT      NOT NULL DEFAULT 0,
    created_at  BIGINT      NOT NULL
);
CREATE INDEX chat_webhook_outbox_due ON chat_webhook_outbox (due_at);
