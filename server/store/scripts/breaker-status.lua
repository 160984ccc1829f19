-- Breaker states of some providers (after the open → half-open transition at `now`).
-- Prepended with quota-lib.lua. KEYS[1] any quota key; ARGV[1] prefix; ARGV[2] {now, providerIds}.
local out = {}
for _, pid in ipairs(REQ.providerIds) do
  local b = breaker(pid)
  table.insert(out, { providerId = pid, state = b.state, failures = b.failures, openUntil = int(b.openUntil), halfOpenSuccesses = b.hos })
end
return done(cjson.encode(out))
