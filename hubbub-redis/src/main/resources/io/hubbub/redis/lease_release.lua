-- Releases a lease held by ARGV[1] with token ARGV[2]; KEYS[1] holder hash. Returns {1} if released.
if redis.call('HGET', KEYS[1], 'owner') == ARGV[1] and redis.call('HGET', KEYS[1], 'token') == ARGV[2] then
  redis.call('DEL', KEYS[1])
  return {1}
end
return {0}
