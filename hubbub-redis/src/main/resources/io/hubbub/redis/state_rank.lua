-- A member's rank (0 = highest) and score in one step. KEYS[1] the sorted set. ARGV[1] member.
-- Returns {} when the member has no score, else {rank, score as text}.
local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
if score == false then return {} end
return {redis.call('ZREVRANK', KEYS[1], ARGV[1]), score}
