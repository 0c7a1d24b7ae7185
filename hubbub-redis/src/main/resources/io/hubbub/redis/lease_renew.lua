-- Renews a lease held by ARGV[1] with token ARGV[2] for ARGV[3] ms; KEYS[1] holder hash.
-- Returns {1} when renewed, {0} when the lease is not held so (expired, or granted again).
if redis.call('HGET', KEYS[1], 'owner') == ARGV[1] and redis.call('HGET', KEYS[1], 'token') == ARGV[2] then
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
  return {1}
end
return {0}
