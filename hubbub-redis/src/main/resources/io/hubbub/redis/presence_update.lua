-- Replaces a present connection's entry; no-op if absent. KEYS as in presence_add.lua;
-- ARGV[1] session id, ARGV[2] entry JSON. Returns {1 if updated else 0}.
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return {0} end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return {1}
