-- Removes all state of a room. KEYS[1] hash, KEYS[2] set-name index. ARGV[1] sorted-set key prefix.
for _, name in ipairs(redis.call('SMEMBERS', KEYS[2])) do
  redis.call('DEL', ARGV[1] .. name)
end
redis.call('DEL', KEYS[1], KEYS[2])
return {1}
