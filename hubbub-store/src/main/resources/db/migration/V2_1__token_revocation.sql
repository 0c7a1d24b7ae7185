-- Token revocation: tokens of a user issued before tokens_valid_after (epoch milliseconds) are refused.
-- Bumped by "sign out everywhere" (POST /api/me/logout-all); 0 = no revocation. Version 2.1 so that it
-- sorts after V1 and after a possible V2 of a parallel change.
ALTER TABLE users ADD COLUMN tokens_valid_after BIGINT NOT NULL DEFAULT 0;
