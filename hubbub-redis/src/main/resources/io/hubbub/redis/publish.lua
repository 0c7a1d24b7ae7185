-- Records one publication and announces it, atomically, so delivery order equals offset order.
-- KEYS[1] history stream, KEYS[2] meta hash (e = epoch, t = top offset, a = history age limit ms)
-- ARGV[1] pub/sub channel, ARGV[2] encoded body, ARGV[3] history size, ARGV[4] history ttl ms,
-- ARGV[5] stream ttl ms (0 = never expires), ARGV[6] epoch to use if the channel has none,
-- ARGV[7] PUBLISH or SPUBLISH
-- Stream entry ids are <offset>-<accept time ms>, so offsets can be looked up directly.
-- Returns {offset, epoch, time ms}.
--#include trim_by_age

local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local nowStr = string.format('%.0f', now)
local epoch = redis.call('HGET', KEYS[2], 'e')
if not epoch then
  epoch = ARGV[6]
  redis.call('HSET', KEYS[2], 'e', epoch)
  redis.call('DEL', KEYS[1])
end
local top = redis.call('HINCRBY', KEYS[2], 't', 1)
redis.call('XADD', KEYS[1], 'MAXLEN', ARGV[3], string.format('%.0f', top) .. '-' .. nowStr, 'd', ARGV[2])
local age = tonumber(ARGV[4])
if age > 0 then
  redis.call('HSET', KEYS[2], 'a', ARGV[4])
  trim_by_age(KEYS[1], now - age)
else
  redis.call('HDEL', KEYS[2], 'a')
end
local sttl = tonumber(ARGV[5])
if sttl > 0 then
  redis.call('PEXPIRE', KEYS[1], sttl)
  redis.call('PEXPIRE', KEYS[2], sttl)
else
  redis.call('PERSIST', KEYS[1])
  redis.call('PERSIST', KEYS[2])
end
redis.call(ARGV[7], ARGV[1], string.format('%.0f', top) .. ':' .. epoch .. ':' .. nowStr .. ':' .. ARGV[2])
return {top, epoch, nowStr}
