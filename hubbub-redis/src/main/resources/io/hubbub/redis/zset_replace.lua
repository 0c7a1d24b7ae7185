-- Replaces a whole sorted set in one step. KEYS[1] the set; ARGV score, member, score, member, ...
-- (ZADD's argument order). Added in chunks so no call exceeds Lua's argument limit. Returns {}.
redis.call('DEL', KEYS[1])
local chunk = 1000
for i = 1, #ARGV, 2 * chunk do
  local last = math.min(#ARGV, i + 2 * chunk - 1)
  redis.call('ZADD', KEYS[1], unpack(ARGV, i, last))
end
return {}
