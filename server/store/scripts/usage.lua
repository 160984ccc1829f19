-- Usage against every limit of some scopes (dashboard). Prepended with quota-lib.lua.
-- KEYS[1] any quota key (routing); ARGV[1] prefix; ARGV[2] {now, scopes: ScopeSpec[]}.

local out = {}
for _, spec in ipairs(REQ.scopes) do
  sweep(spec.scope)
  local hydrated = S(spec.scope).sig == spec.signature
  local res = reserved(spec.scope)
  local windows = {}
  for _, w in ipairs(spec.windows) do
    local s = 0
    if hydrated then s = spent(spec.scope, w) end
    table.insert(windows, { kind = w.kind, spentNano = int(s), reservedNano = int(res), limitNano = int(w.limitNano), resetAt = w['end'] and int(w['end']) or false })
  end
  redis.call('ZREMRANGEBYSCORE', key('rpm', spec.scope), '-inf', now - RPM_MS)
  table.insert(out, {
    scope = spec.scope,
    hydrated = hydrated,
    windows = windows,
    rpm = redis.call('ZCARD', key('rpm', spec.scope)),
    sessions = redis.call('HLEN', key('ss', spec.scope)),
    requests = tonumber(S(spec.scope).hn) or 0,
    reservedNano = int(res),
  })
end
return done(cjson.encode(out))
