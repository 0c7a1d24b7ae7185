-- Removes connections whose expiry passed (their node stopped refreshing them: it died).
-- KEYS as in presence_add.lua; ARGV[1] '1' to also return all remaining entries.
-- Returns {{removed entry JSON...}, {user ids that left...}, {remaining entries...}, connections present}.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now, 'LIMIT', 0, 1000)
local removed, left = {}, {}
for _, sid in ipairs(expired) do
  local v = redis.call('HGET', KEYS[1], sid)
  redis.call('HDEL', KEYS[1], sid)
  redis.call('ZREM', KEYS[2], sid)
  if v then
    removed[#removed + 1] = v
    local uid = cjson.decode(v).info.userId
    if redis.call('HINCRBY', KEYS[3], uid, -1) <= 0 then
      redis.call('HDEL', KEYS[3], uid)
      left[#left + 1] = uid
    end
  end
end
local values = {}
if ARGV[1] == '1' then values = redis.call('HVALS', KEYS[1]) end
return {removed, left, values, redis.call('HLEN', KEYS[1])}
