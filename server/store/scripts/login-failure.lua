-- Counts one failed login and locks the scope out when the window's count reaches the limit.
-- KEYS[1]  failures counter of the scope (string, TTL = window)
-- KEYS[2]  lock marker of the scope (string, TTL = lockout)
-- ARGV[1]  maxFailures (count)
-- ARGV[2]  windowMs (milliseconds)
-- ARGV[3]  lockoutMs (milliseconds)
-- Returns { locked (0|1), failures, retryAfterMs }
local lockTtl = redis.call('PTTL', KEYS[2])
if lockTtl > 0 then
  return { 1, tonumber(redis.call('GET', KEYS[1]) or '0'), lockTtl }
end
local failures = redis.call('INCR', KEYS[1])
if failures == 1 then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
if failures >= tonumber(ARGV[1]) then
  redis.call('SET', KEYS[2], '1', 'PX', ARGV[3])
  redis.call('DEL', KEYS[1])
  return { 1, failures, tonumber(ARGV[3]) }
end
return { 0, failures, 0 }
