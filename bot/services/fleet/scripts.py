"""The Lua scripts the fleet runs on Redis: each is one atomic step, whichever processes
run it at the same time."""

ADVANCE = """
-- KEYS[1] the current-version hash; ARGV: expected generation, new version, new generation.
-- Compare-and-set: moves forward only from the generation the caller saw.
local cur = tonumber(redis.call('HGET', KEYS[1], 'generation') or '0')
if cur ~= tonumber(ARGV[1]) then
  return {0, cur, redis.call('HGET', KEYS[1], 'version') or ''}
end
redis.call('HSET', KEYS[1], 'generation', ARGV[3], 'version', ARGV[2])
return {1, tonumber(ARGV[3]), ARGV[2]}
"""

COOLDOWN = """
-- KEYS[1] the user's counter, KEYS[2] the user's notice flag; ARGV: rate, window in ms.
-- A window opens with the first use and allows `rate` uses; past that, the time left,
-- and whether this is the first refusal of the window (the one that gets a notice).
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
if n <= tonumber(ARGV[1]) then return {0, 0} end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  ttl = tonumber(ARGV[2])
end
if redis.call('SET', KEYS[2], '1', 'NX', 'PX', ARGV[2]) then return {ttl, 1} end
return {ttl, 0}
"""

RENEW = """
-- KEYS the shard leases; ARGV[1] this process, ARGV[2] lease in ms.
-- Renews ours, takes back one that expired (Redis was away longer than a lease), and
-- returns the holders of those another process took meanwhile.
local lost = {}
for i, key in ipairs(KEYS) do
  local holder = redis.call('GET', key)
  if holder == ARGV[1] then
    redis.call('PEXPIRE', key, ARGV[2])
  elseif not holder then
    redis.call('SET', key, ARGV[1], 'PX', ARGV[2])
  else
    table.insert(lost, key)
    table.insert(lost, holder)
  end
end
return lost
"""

RELEASE = """
-- KEYS the shard leases; ARGV[1] this process: deletes only those it still holds.
for i, key in ipairs(KEYS) do
  if redis.call('GET', key) == ARGV[1] then redis.call('DEL', key) end
end
return 1
"""
