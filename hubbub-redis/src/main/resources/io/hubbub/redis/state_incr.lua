-- Adds to a member's score in one of a room's sorted sets within the limits, and restarts the TTL of all
-- the room's state. KEYS[1] hash, KEYS[2] set-name index, KEYS[3] the sorted set (all one slot).
-- ARGV[1] set name, ARGV[2] member, ARGV[3] increment, ARGV[4] max sets, ARGV[5] max members,
-- ARGV[6] ttl ms, ARGV[7] sorted-set key prefix.
-- Returns {1, new score} or {0, 'sets'} / {0, 'members'} when a limit refuses the write.
if redis.call('SISMEMBER', KEYS[2], ARGV[1]) == 0 and redis.call('SCARD', KEYS[2]) >= tonumber(ARGV[4]) then
  return {0, 'sets'}
end
if redis.call('ZSCORE', KEYS[3], ARGV[2]) == false and redis.call('ZCARD', KEYS[3]) >= tonumber(ARGV[5]) then
  return {0, 'members'}
end
local score = redis.call('ZINCRBY', KEYS[3], ARGV[3], ARGV[2])
redis.call('SADD', KEYS[2], ARGV[1])
redis.call('PEXPIRE', KEYS[2], ARGV[6])
if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[6]) end
for _, name in ipairs(redis.call('SMEMBERS', KEYS[2])) do
  redis.call('PEXPIRE', ARGV[7] .. name, ARGV[6])
end
return {1, score}
