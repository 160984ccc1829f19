-- Shared functions of the quota scripts; the store prepends this file to each of them. It
-- mirrors server/store/memory/ (the in-process store) function by function (same names);
-- admission.contract.ts and the differential test (stores.differential.integration.test.ts,
-- decision 0016) hold both to the same behaviour.
--
-- Scripts: batch.lua (admit.lua, failover.lua and settle.lua: the operations of requests,
-- several per call, decision 0024), hydrate.lua, usage.lua, breaker-status.lua.
-- Every script is called as: KEYS[1] = a key of the quota slot (a request record or a scope
-- key), routing the call; ARGV[1] = key prefix ending in the "{q}" hash tag, so every key
-- built here shares KEYS[1]'s slot (Redis Cluster); ARGV[2] = the input as JSON (batch.lua: a
-- list of operations, each with its own REQ and now).
--
-- Keys, per scope ("k:12", "u:3", "p:7"):
--   P..'s:'..scope    HASH  counters: sig, res (reserved nano), r5:* and rd:* rolling buckets
--                           (min, sum, n, <bucket index>), fd/fw/fm/ft :start/:spent fixed windows
--   P..'f:'..scope    ZSET  in-flight request id -> hold expiry (ms)
--   P..'ss:'..scope   HASH  session -> requests in flight (scopes with a session limit only)
--   P..'rpm:'..scope  ZSET  request id -> admission time (ms), last 60 s
-- per request: P..'r:'..id HASH (scopes, amt, sess, pid, probe, settled, exp = end of its holds)
-- per provider: P..'b:'..id HASH breaker (state, failures, openUntil, hos); P..'bp:'..id ZSET probes
-- per session binding: P..'sb:'..bindingKey STRING "<provider id>:<expires at ms>" (PX: the TTL)
-- All money is integer nano-USD; numbers go out as "%.0f" strings (cjson would round them).

local P = ARGV[1]
-- The operation's input and its clock. batch.lua sets both again for each operation it runs;
-- the functions below read them as upvalues.
local REQ = cjson.decode(ARGV[2])
local now = REQ.now

local RPM_MS = 60000
local SWEEP = 16
local SCOPE_IDLE_MS = 35 * 86400000
local RECORD_GRACE_MS = 3600000
local BREAKER_TTL_MS = 30 * 86400000
local ROLLING = { ['5h'] = { 'r5', 5 * 3600000, 300000 }, daily = { 'rd', 86400000, 900000 } }
local ROLLING_ORDER = { '5h', 'daily' }
local FIXED = { daily = 'fd', weekly = 'fw', monthly = 'fm', total = 'ft' }
local FIXED_ORDER = { 'daily', 'weekly', 'monthly', 'total' }

local function int(x) return string.format('%.0f', x) end
local function num(x) return tonumber(x) or 0 end
local function key(kind, id) return P .. kind .. ':' .. id end
local NULL = cjson.null
local function has(v) return v ~= nil and v ~= NULL end

-- The fixed fields of a scope's counter hash are read once per script (one HMGET) and kept in
-- this cache; writes go to the cache and are written back once, at the end of the script
-- (done()): one HSET per changed scope however many fields changed, and however many
-- operations of a batch changed them. The fields of single rolling buckets are read when first
-- needed (getf) and then cached the same way.
local FIELDS = { 'sig', 'res', 'pr', 'r5:min', 'r5:sum', 'r5:n', 'rd:min', 'rd:sum', 'rd:n',
  'fd:start', 'fd:spent', 'fw:start', 'fw:spent', 'fm:start', 'fm:spent', 'ft:start', 'ft:spent' }
local cache = {}
local dirty = {}
-- TTLs to set once at the end (done()), key -> ms: a batch holds many requests on the same
-- in-flight and RPM sets, and one PEXPIRE per key and script does what one per hold did.
local ttls = {}
local function expireLater(k, ms)
  if not ttls[k] or ttls[k] < ms then ttls[k] = ms end
end

local loaded = {}

local function S(scope)
  local c = cache[scope]
  if c then return c end
  local values = redis.call('HMGET', key('s', scope), unpack(FIELDS))
  c = {}
  local l = {}
  for i, f in ipairs(FIELDS) do
    if values[i] then c[f] = values[i] end
    l[f] = true
  end
  cache[scope] = c
  loaded[scope] = l
  return c
end

-- A field outside FIELDS (a rolling bucket, "r5:<index>"), read once into the cache: a batch
-- adds many costs to the same current bucket, and they are written back with the rest.
local function getf(scope, field)
  local c = S(scope)
  local l = loaded[scope]
  if not l[field] then
    local v = redis.call('HGET', key('s', scope), field)
    if v then c[field] = v end
    l[field] = true
  end
  return c[field]
end

-- Sets field/value pairs of a scope's counters (written back by done()).
local function setf(scope, ...)
  local args = { ... }
  local c = S(scope)
  local d = dirty[scope] or {}
  dirty[scope] = d
  for i = 1, #args, 2 do
    c[args[i]] = args[i + 1]
    d[args[i]] = true
  end
end

local function delf(scope, field)
  S(scope)[field] = nil
  loaded[scope][field] = true
  local d = dirty[scope] or {}
  dirty[scope] = d
  d[field] = true
end

-- Writes the changed counter fields back (one HSET, and one HDEL if any field went away, per
-- scope) and returns the script's result. Every script returns through it.
local function done(result)
  for scope, fields in pairs(dirty) do
    local c = cache[scope]
    local set, gone = {}, {}
    for f in pairs(fields) do
      if c[f] ~= nil then
        table.insert(set, f)
        table.insert(set, c[f])
      else
        table.insert(gone, f)
      end
    end
    local sk = key('s', scope)
    if #set > 0 then redis.call('HSET', sk, unpack(set)) end
    if #gone > 0 then redis.call('HDEL', sk, unpack(gone)) end
    redis.call('PEXPIRE', sk, SCOPE_IDLE_MS)
  end
  for k, ms in pairs(ttls) do redis.call('PEXPIRE', k, ms) end
  return result
end

-- A scope with no limit at all needs nothing held for a request.
local function limited(spec)
  return has(spec.rpm) or has(spec.concurrentSessions) or #spec.windows > 0
end

-- In flight, per scope: P..'f:'..scope is a sorted set of request ids by hold expiry; the
-- amount and session of each hold live in the request's record (P..'r:'..id: amt, sess,
-- scopes). A record's `scopes` lists each held scope, suffixed with "*" when the request also
-- counts as a session there (scopes with a concurrent-session limit).

-- Releases one request's hold on a scope: its reservation and its session reference.
local function release(entry, id, amount, session)
  local counted = string.sub(entry, -1) == '*'
  local scope = counted and string.sub(entry, 1, -2) or entry
  if redis.call('ZREM', key('f', scope), id) == 0 then return end
  local c = S(scope)
  if c.pr == id then delf(scope, 'pr') end
  if amount > 0 then setf(scope, 'res', int(math.max(0, num(c.res) - amount))) end
  if counted then
    local refs = redis.call('HINCRBY', key('ss', scope), session, -1)
    if refs <= 0 then redis.call('HDEL', key('ss', scope), session) end
  end
end

-- Releases the holds of requests whose process vanished (crashed), a few per call.
local function sweep(scope)
  local expired = redis.call('ZRANGEBYSCORE', key('f', scope), '-inf', now, 'LIMIT', 0, SWEEP)
  for _, id in ipairs(expired) do
    local rec = redis.call('HMGET', key('r', id), 'amt', 'sess', 'scopes')
    local entry = scope
    if rec[3] and string.find(' ' .. rec[3] .. ' ', ' ' .. scope .. '* ', 1, true) then entry = scope .. '*' end
    if rec[1] then release(entry, id, num(rec[1]), rec[2] or '') else redis.call('ZREM', key('f', scope), id) end
  end
end

-- Holds a request on a scope; returns the scope's entry for the request record.
local function hold(spec, id, amount, session, expiresAt, holdMs)
  local scope = spec.scope
  local counted = has(spec.concurrentSessions)
  local entry = counted and (scope .. '*') or scope
  if redis.call('ZADD', key('f', scope), 'NX', expiresAt, id) == 0 then return entry end
  -- The in-flight set outlives its longest hold; the session counts (ss) need no TTL: every
  -- increment is undone at release or sweep, and an emptied hash disappears.
  expireLater(key('f', scope), (holdMs or 0) + RECORD_GRACE_MS)
  if amount > 0 then setf(scope, 'res', int(num(S(scope).res) + amount)) end
  if counted then redis.call('HINCRBY', key('ss', scope), session, 1) end
  if has(spec.rpm) then
    redis.call('ZADD', key('rpm', scope), now, id)
    expireLater(key('rpm', scope), RPM_MS * 2)
  end
  return entry
end

-- Drops the buckets entirely older than the window (see memory/quota-lib.ts expireBuckets).
local function expire(scope, pfx, lengthMs, bucketMs)
  local c = S(scope)
  local min = tonumber(c[pfx .. ':min'])
  if not min or min == -1 then return end
  local span = math.ceil(lengthMs / bucketMs)
  local oldest = math.floor(now / bucketMs) - span + 1
  local stop = math.min(oldest, min + span)
  if stop <= min then return end
  local sum = num(c[pfx .. ':sum'])
  local n = num(c[pfx .. ':n'])
  for idx = min, stop - 1 do
    local f = pfx .. ':' .. int(idx)
    local v = tonumber(getf(scope, f))
    if v then
      sum = sum - v
      n = n - 1
      delf(scope, f)
    end
  end
  if n <= 0 then
    setf(scope, pfx .. ':min', -1, pfx .. ':sum', 0, pfx .. ':n', 0)
  else
    setf(scope, pfx .. ':min', int(stop), pfx .. ':sum', int(sum), pfx .. ':n', int(n))
  end
end

-- Spend in a window now (fixed windows roll over to zero when their start changes).
local function spent(scope, w)
  if w.lengthMs then
    local r = ROLLING[w.kind]
    expire(scope, r[1], r[2], r[3])
    return num(S(scope)[r[1] .. ':sum'])
  end
  local pfx = FIXED[w.kind]
  local start = w.start or 0
  if tonumber(S(scope)[pfx .. ':start']) ~= start then
    setf(scope, pfx .. ':start', int(start), pfx .. ':spent', 0)
    return 0
  end
  return num(S(scope)[pfx .. ':spent'])
end

local function reserved(scope) return num(S(scope).res) end

-- `held`: the part of `current` reserved by requests in flight (money windows only).
local function hit(scope, limit, current, max, resetAt, held)
  return { scope = scope, limit = limit, current = int(current), max = int(max), resetAt = resetAt and int(resetAt) or false, held = held and int(held) or false }
end

-- The first limit of a scope that leaves no room, or nil. Holds of vanished requests are swept
-- first: they would otherwise refuse a request, shrink its reservation, or keep the partial
-- room (see memory/quota-lib.ts check).
local function check(spec, session)
  if not limited(spec) then return nil end
  local scope = spec.scope
  sweep(scope)
  local h = nil
  if has(spec.rpm) then
    redis.call('ZREMRANGEBYSCORE', key('rpm', scope), '-inf', now - RPM_MS)
    local used = redis.call('ZCARD', key('rpm', scope))
    if used >= spec.rpm then
      local first = redis.call('ZRANGE', key('rpm', scope), 0, 0, 'WITHSCORES')
      h = hit(scope, 'rpm', used, spec.rpm, tonumber(first[2]) + RPM_MS)
    end
  end
  if not h and has(spec.concurrentSessions) then
    local sessions = redis.call('HLEN', key('ss', scope))
    if sessions >= spec.concurrentSessions and redis.call('HEXISTS', key('ss', scope), session) == 0 then
      h = hit(scope, 'concurrent_sessions', sessions, spec.concurrentSessions, nil)
    end
  end
  if not h then
    local res = reserved(scope)
    for _, w in ipairs(spec.windows) do
      local used = spent(scope, w) + res
      if used >= w.limitNano then
        h = hit(scope, w.kind, used, w.limitNano, w['end'], res)
        break
      end
    end
  end
  return h
end

-- A request that does not fit whole may take a scope's last room only if no other request in
-- flight took a partial room there (see memory/quota-lib.ts partialBlocked; decision 0009).
-- Returns a limit hit, or nil (appending the scope to `partials` when it takes a partial room).
local function partialBlocked(spec, estimate, partials)
  local res = reserved(spec.scope)
  local best, bestW, bestUsed = nil, nil, 0
  for _, w in ipairs(spec.windows) do
    local used = spent(spec.scope, w) + res
    local room = w.limitNano - used
    if best == nil or room < best then best, bestW, bestUsed = room, w, used end
  end
  if best == nil or best >= estimate then return nil end
  -- check() has just swept the scope's expired holds.
  local holder = S(spec.scope).pr
  if holder and redis.call('ZSCORE', key('f', spec.scope), holder) then
    return hit(spec.scope, bestW.kind, bestUsed, bestW.limitNano, bestW['end'], res)
  end
  table.insert(partials, spec.scope)
  return nil
end

-- min(estimate, the smallest room left in any window of these scopes), never negative. Expired
-- holds are swept first: a scope not checked (enforcement off) may still carry some.
local function reservable(specs, estimate)
  local amount = math.max(0, estimate)
  for _, spec in ipairs(specs) do
    sweep(spec.scope)
    local res = reserved(spec.scope)
    for _, w in ipairs(spec.windows) do
      amount = math.min(amount, math.max(0, w.limitNano - spent(spec.scope, w) - res))
    end
  end
  return amount
end

-- Adds a settled cost to every window of a scope, rolling windows over first.
local function addSpend(spec, nano)
  local scope = spec.scope
  local fields = {}
  for _, kind in ipairs(ROLLING_ORDER) do
    local r = ROLLING[kind]
    local pfx = r[1]
    expire(scope, pfx, r[2], r[3])
    local c = S(scope)
    local idx = math.floor(now / r[3])
    local f = pfx .. ':' .. int(idx)
    local before = num(getf(scope, f))
    table.insert(fields, f)
    table.insert(fields, int(before + nano))
    local n = num(c[pfx .. ':n'])
    -- A bucket is new when it held nothing (hydrate.lua never stores an empty one).
    if before == 0 then n = n + 1 end
    local min = tonumber(c[pfx .. ':min'])
    if not min or min == -1 or idx < min then min = idx end
    for _, v in ipairs({ pfx .. ':sum', int(num(c[pfx .. ':sum']) + nano), pfx .. ':n', int(n), pfx .. ':min', int(min) }) do table.insert(fields, v) end
  end
  for _, w in ipairs(spec.windows) do
    if has(w.start) then spent(scope, w) end
  end
  local c = S(scope)
  for _, kind in ipairs(FIXED_ORDER) do
    local f = FIXED[kind] .. ':spent'
    table.insert(fields, f)
    table.insert(fields, int(num(c[f]) + nano))
  end
  setf(scope, unpack(fields))
end

-- Breakers ------------------------------------------------------------------------------------

local function breaker(pid)
  local bk = key('b', pid)
  local v = redis.call('HMGET', bk, 'state', 'failures', 'openUntil', 'hos')
  local b = { state = v[1] or 'closed', failures = num(v[2]), openUntil = num(v[3]), hos = num(v[4]) }
  if b.state == 'open' and now >= b.openUntil then
    b.state = 'half_open'
    b.hos = 0
    redis.call('HSET', bk, 'state', 'half_open', 'hos', 0)
    redis.call('DEL', key('bp', pid))
  end
  b.probes = 0
  if b.state == 'half_open' then
    redis.call('ZREMRANGEBYSCORE', key('bp', pid), '-inf', now)
    b.probes = redis.call('ZCARD', key('bp', pid))
  end
  return b
end

local function saveBreaker(pid, b)
  local bk = key('b', pid)
  redis.call('HSET', bk, 'state', b.state, 'failures', int(b.failures), 'openUntil', int(b.openUntil), 'hos', int(b.hos))
  redis.call('PEXPIRE', bk, BREAKER_TTL_MS)
end

local function takeProbe(pid, state, id, untilMs)
  if state ~= 'half_open' then return false end
  redis.call('ZADD', key('bp', pid), untilMs, id)
  redis.call('PEXPIRE', key('bp', pid), BREAKER_TTL_MS)
  return true
end

local function releaseProbe(pid, id) redis.call('ZREM', key('bp', pid), id) end

local function breakerFailure(pid, cfg)
  if cfg.failureThreshold <= 0 then return end
  local b = breaker(pid)
  if b.state == 'half_open' then
    b.state = 'open'; b.openUntil = now + cfg.openDurationMs; b.hos = 0; b.failures = cfg.failureThreshold
    redis.call('DEL', key('bp', pid))
  elseif b.state == 'closed' then
    b.failures = b.failures + 1
    if b.failures >= cfg.failureThreshold then
      b.state = 'open'; b.openUntil = now + cfg.openDurationMs; b.hos = 0
      redis.call('DEL', key('bp', pid))
    end
  end
  saveBreaker(pid, b)
end

local function breakerSuccess(pid, cfg)
  local b = breaker(pid)
  if b.state == 'half_open' then
    b.hos = b.hos + 1
    if b.hos >= cfg.halfOpenSuccessThreshold then
      b.state = 'closed'; b.failures = 0; b.hos = 0
      redis.call('DEL', key('bp', pid))
    end
    saveBreaker(pid, b)
  elseif b.state == 'closed' and b.failures > 0 then
    b.failures = 0
    saveBreaker(pid, b)
  end
end

-- Candidates ----------------------------------------------------------------------------------

local function firstAcceptable(candidates, session, skipped)
  for _, c in ipairs(candidates) do
    local b = breaker(c.providerId)
    if b.state == 'open' then
      table.insert(skipped, { providerId = c.providerId, reason = 'breaker_open', breakerState = 'open' })
    elseif b.state == 'half_open' and b.probes >= c.breaker.halfOpenMaxProbes then
      table.insert(skipped, { providerId = c.providerId, reason = 'breaker_half_open_busy', breakerState = 'half_open' })
    else
      local h = nil
      if not REQ.passthrough and REQ.enforce and limited(c.limits) then h = check(c.limits, session) end
      if h then
        table.insert(skipped, { providerId = c.providerId, reason = 'limit', hit = h, breakerState = b.state })
      else
        return c, b.state
      end
    end
  end
  return nil, nil
end

local function unhydrated(specs)
  local out = {}
  local seen = {}
  for _, spec in ipairs(specs) do
    if #spec.windows > 0 and not seen[spec.scope] then
      seen[spec.scope] = true
      if S(spec.scope).sig ~= spec.signature then table.insert(out, spec.scope) end
    end
  end
  return out
end

local function admitted(pid, via, moved, amount, state, skipped)
  return ({ status = 'admitted', providerId = pid, via = via, sessionMoved = moved, reservedNano = int(amount), breakerState = state, skipped = skipped })
end
