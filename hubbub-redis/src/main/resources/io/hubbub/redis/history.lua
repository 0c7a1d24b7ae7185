-- Reads a channel's history together with its epoch and top offset, in one atomic step.
-- KEYS[1] history stream, KEYS[2] meta hash, KEYS[3] dedupe hash (see publish.lua)
-- ARGV[1] epoch to create if the channel has none (so a position handed out now stays valid for
--         later publications), ARGV[2] ttl ms of a meta hash created here (0 = none),
-- ARGV[3] 'since', 'before' or 'latest', ARGV[4] since epoch, ARGV[5] since offset, ARGV[6] limit (0 = all)
-- 'since': offsets after ARGV[5], ascending; 'before': offsets below ARGV[5], newest first;
-- 'latest': newest first. Returns {epoch, top, earliest, {id, body, id, body, ...}}.
--#include trim_by_age

local epoch = redis.call('HGET', KEYS[2], 'e')
if not epoch then
  epoch = ARGV[1]
  redis.call('HSET', KEYS[2], 'e', epoch, 't', 0, 'b', 0)
  redis.call('DEL', KEYS[1], KEYS[3])
  if tonumber(ARGV[2]) > 0 then redis.call('PEXPIRE', KEYS[2], ARGV[2]) end
end
local top = tonumber(redis.call('HGET', KEYS[2], 't') or '0')
local age = redis.call('HGET', KEYS[2], 'a')
if age then
  local t = redis.call('TIME')
  local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
  trim_by_age(KEYS[1], KEYS[2], KEYS[3], now - tonumber(age))
end
local earliest = top + 1
local first = redis.call('XRANGE', KEYS[1], '-', '+', 'COUNT', 1)
if #first > 0 then earliest = tonumber(string.match(first[1][1], '^(%d+)-')) end

local limit = tonumber(ARGV[6])
local entries = {}
if ARGV[3] == 'since' then
  if ARGV[4] == epoch then
    local start = string.format('%.0f', tonumber(ARGV[5]) + 1) .. '-0'
    if limit > 0 then
      entries = redis.call('XRANGE', KEYS[1], start, '+', 'COUNT', limit)
    else
      entries = redis.call('XRANGE', KEYS[1], start, '+')
    end
  end
elseif ARGV[3] == 'before' then
  if ARGV[4] == epoch then
    local stop = '(' .. string.format('%.0f', tonumber(ARGV[5])) .. '-0'
    if limit > 0 then
      entries = redis.call('XREVRANGE', KEYS[1], stop, '-', 'COUNT', limit)
    else
      entries = redis.call('XREVRANGE', KEYS[1], stop, '-')
    end
  end
elseif limit > 0 then
  entries = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', limit)
else
  entries = redis.call('XREVRANGE', KEYS[1], '+', '-')
end
local flat = {}
for _, e in ipairs(entries) do
  flat[#flat + 1] = e[1]
  flat[#flat + 1] = e[2][2]
end
return {epoch, top, earliest, flat}
