-- Trims a history stream to entries accepted at or after cutoff (ms). Entry ids are <offset>-<ms>.
-- Included by publish.lua and history.lua (see LuaScript: "--#include trim_by_age").
local function trim_by_age(key, cutoff)
  while true do
    local entries = redis.call('XRANGE', key, '-', '+', 'COUNT', 100)
    if #entries == 0 then return end
    for _, e in ipairs(entries) do
      local o, ms = string.match(e[1], '^(%d+)-(%d+)$')
      if tonumber(ms) >= cutoff then
        redis.call('XTRIM', key, 'MINID', o)
        return
      end
    end
    local last = string.match(entries[#entries][1], '^(%d+)-')
    redis.call('XTRIM', key, 'MINID', tonumber(last) + 1)
  end
end
