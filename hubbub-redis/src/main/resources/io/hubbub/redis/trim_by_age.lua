-- Shared history helpers, included by publish.lua and history.lua ("--#include trim_by_age").
-- A history entry is <offset>-<ms> with fields d (body) and, for an idempotent publish, c (its key).
-- The meta hash field b holds the bytes charged for the entries kept (#d + #c); the dedupe hash maps
-- c -> offset exactly for the entries kept, so the dedupe window is the history window.

-- Drops one entry {id, fields}: frees its bytes (returned) and forgets its idempotency key.
local function drop_entry(key, dedupe, e)
  local size = 0
  local f = e[2]
  for i = 1, #f, 2 do
    if f[i] == 'd' then size = size + #f[i + 1] end
    if f[i] == 'c' then
      size = size + #f[i + 1]
      redis.call('HDEL', dedupe, f[i + 1])
    end
  end
  redis.call('XDEL', key, e[1])
  return size
end

-- Trims a history stream to entries accepted at or after cutoff (ms), keeping bytes and keys in step.
local function trim_by_age(key, meta, dedupe, cutoff)
  local freed = 0
  while true do
    local entries = redis.call('XRANGE', key, '-', '+', 'COUNT', 100)
    if #entries == 0 then break end
    local done = false
    for _, e in ipairs(entries) do
      local ms = string.match(e[1], '^%d+-(%d+)$')
      if tonumber(ms) >= cutoff then
        done = true
        break
      end
      freed = freed + drop_entry(key, dedupe, e)
    end
    if done then break end
  end
  if freed > 0 then redis.call('HINCRBY', meta, 'b', -freed) end
end
