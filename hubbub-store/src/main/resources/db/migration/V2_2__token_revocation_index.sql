-- The node-wide view of recent revocations (TokenRevocation) asks every few seconds for the users whose
-- tokens_valid_after lies within the longest token lifetime: an index keeps that a range read of the
-- few revoked users instead of a scan of every account.
CREATE INDEX idx_users_tokens_valid_after ON users (tokens_valid_after);
