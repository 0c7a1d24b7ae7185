-- Sets a member's score and removes the member it replaces, in one step. KEYS[1] the sorted set.
-- ARGV[1] member, ARGV[2] score, ARGV[3] the replaced member ('' for none). Returns {}.
if ARGV[3] ~= '' and ARGV[3] ~= ARGV[1] then redis.call('ZREM', KEYS[1], ARGV[3]) end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
return {}
