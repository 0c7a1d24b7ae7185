-- Adds or replaces one connection's presence; de-duplicates per user across all nodes.
-- KEYS[1] entries hash (session -> entry JSON), KEYS[2] expiry zset (session -> expiry ms),
-- KEYS[3] per-user connection counts
-- ARGV[1] session id, ARGV[2] user id, ARGV[3] entry JSON, ARGV[4] ttl ms
-- Returns {1 if this is the user's first connection here else 0, connections present}.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local ttl = tonumber(ARGV[4])
local existed = redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
redis.call('ZADD', KEYS[2], now + ttl, ARGV[1])
local changed = 0
if not existed and redis.call('HINCRBY', KEYS[3], ARGV[2], 1) == 1 then changed = 1 end
for i = 1, 3 do redis.call('PEXPIRE', KEYS[i], ttl * 2) end
return {changed, redis.call('HLEN', KEYS[1])}
