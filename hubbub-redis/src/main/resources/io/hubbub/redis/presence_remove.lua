-- Removes one connection's presence. KEYS as in presence_add.lua; ARGV[1] session id.
-- Returns {1 if it was the user's last connection here else 0, connections present}.
local v = redis.call('HGET', KEYS[1], ARGV[1])
if not v then return {0, redis.call('HLEN', KEYS[1])} end
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
local uid = cjson.decode(v).info.userId
local changed = 0
if redis.call('HINCRBY', KEYS[3], uid, -1) <= 0 then
  redis.call('HDEL', KEYS[3], uid)
  changed = 1
end
return {changed, redis.call('HLEN', KEYS[1])}
