-- Records one publication and announces it, atomically, so delivery order equals offset order.
-- KEYS[1] history stream, KEYS[2] meta hash (e = epoch, t = top offset, a = history age limit ms,
-- b = bytes kept), KEYS[3] dedupe hash (idempotency key -> offset of an entry still kept)
-- ARGV[1] pub/sub channel, ARGV[2] encoded body, ARGV[3] history size, ARGV[4] history ttl ms,
-- ARGV[5] stream ttl ms (0 = never expires), ARGV[6] epoch to use if the channel has none,
-- ARGV[7] PUBLISH or SPUBLISH, ARGV[8] history byte bound (0 = none), ARGV[9] idempotency key ('' = none)
-- Stream entry ids are <offset>-<accept time ms>, so offsets can be looked up directly.
-- Returns {offset, epoch, time ms, 1 if this was a repeat of a kept idempotent publish else 0}.
--#include trim_by_age

local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local nowStr = string.format('%.0f', now)
local epoch = redis.call('HGET', KEYS[2], 'e')
if not epoch then
  epoch = ARGV[6]
  redis.call('HSET', KEYS[2], 'e', epoch, 'b', 0)
  redis.call('DEL', KEYS[1], KEYS[3])
end
local age = tonumber(ARGV[4])
if age > 0 then trim_by_age(KEYS[1], KEYS[2], KEYS[3], now - age) end
local cid = ARGV[9]
if cid ~= '' then
  local earlier = redis.call('HGET', KEYS[3], cid)
  if earlier then return {tonumber(earlier), epoch, nowStr, 1} end
end
local top = redis.call('HINCRBY', KEYS[2], 't', 1)
local id = string.format('%.0f', top) .. '-' .. nowStr
local size = #ARGV[2]
if cid ~= '' then
  redis.call('XADD', KEYS[1], id, 'd', ARGV[2], 'c', cid)
  redis.call('HSET', KEYS[3], cid, top)
  size = size + #cid
else
  redis.call('XADD', KEYS[1], id, 'd', ARGV[2])
end
local bytes = redis.call('HINCRBY', KEYS[2], 'b', size)
-- trim by count and by bytes, oldest first (usually at most one entry per publish)
local maxlen = tonumber(ARGV[3])
local maxbytes = tonumber(ARGV[8])
local n = redis.call('XLEN', KEYS[1])
while n > 0 and (n > maxlen or (maxbytes > 0 and bytes > maxbytes)) do
  local first = redis.call('XRANGE', KEYS[1], '-', '+', 'COUNT', 1)
  bytes = bytes - drop_entry(KEYS[1], KEYS[3], first[1])
  n = n - 1
end
redis.call('HSET', KEYS[2], 'b', bytes)
if age > 0 then
  redis.call('HSET', KEYS[2], 'a', ARGV[4])
else
  redis.call('HDEL', KEYS[2], 'a')
end
local sttl = tonumber(ARGV[5])
for i = 1, 3 do
  if sttl > 0 then
    redis.call('PEXPIRE', KEYS[i], sttl)
  else
    redis.call('PERSIST', KEYS[i])
  end
end
redis.call(ARGV[7], ARGV[1], string.format('%.0f', top) .. ':' .. epoch .. ':' .. nowStr .. ':' .. ARGV[2])
return {top, epoch, nowStr, 0}
