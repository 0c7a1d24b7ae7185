-- Extends the expiry of the given connections that are still present (never re-creates removed ones).
-- KEYS as in presence_add.lua; ARGV[1] ttl ms, ARGV[2..] session ids. Returns {connections extended}.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local ttl = tonumber(ARGV[1])
local n = 0
for i = 2, #ARGV do
  n = n + redis.call('ZADD', KEYS[2], 'XX', 'CH', now + ttl, ARGV[i])
end
if redis.call('HLEN', KEYS[1]) > 0 then
  for i = 1, 3 do redis.call('PEXPIRE', KEYS[i], ttl * 2) end
end
return {n}
