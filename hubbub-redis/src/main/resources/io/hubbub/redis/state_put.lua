-- Sets one key of a room's state hash within the key limit, and restarts the TTL of all the room's state.
-- KEYS[1] hash, KEYS[2] set-name index (same slot). ARGV[1] key, ARGV[2] value, ARGV[3] max keys,
-- ARGV[4] ttl ms, ARGV[5] sorted-set key prefix. Returns {1} when set, {0} when the hash is full.
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 and redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[3]) then
  return {0}
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
if redis.call('EXISTS', KEYS[2]) == 1 then
  redis.call('PEXPIRE', KEYS[2], ARGV[4])
  for _, name in ipairs(redis.call('SMEMBERS', KEYS[2])) do
    redis.call('PEXPIRE', ARGV[5] .. name, ARGV[4])
  end
end
return {1}
