-- Registers or heartbeats a node. KEYS[1] node key, KEYS[2] expiry index zset (same slot).
-- ARGV[1] node id, ARGV[2] node JSON, ARGV[3] ttl ms. Returns {expiry ms}.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[3]), ARGV[1])
return {now + tonumber(ARGV[3])}
