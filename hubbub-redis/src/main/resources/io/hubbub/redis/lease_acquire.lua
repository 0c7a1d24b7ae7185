-- Takes or renews a lease. KEYS[1] holder hash {owner, token} (expires), KEYS[2] token counter (never
-- expires, so tokens only grow). ARGV[1] owner, ARGV[2] ttl ms. Returns {token} or {-1} when another owner holds it.
local owner = redis.call('HGET', KEYS[1], 'owner')
if owner and owner ~= ARGV[1] then
  return {-1}
end
local token
if owner then
  token = tonumber(redis.call('HGET', KEYS[1], 'token'))
else
  token = redis.call('INCR', KEYS[2])
  redis.call('HSET', KEYS[1], 'owner', ARGV[1], 'token', token)
end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return {token}
