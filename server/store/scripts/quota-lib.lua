-- Shared functions of the quota scripts; the store prepends this file to each of them. It
-- mirrors server/store/memory/ (the in-process store) function by function (same names; the
-- helpers of how a call keeps its state — numeric, changes, bucketField, currentBucket,
-- holdString, spentMemo — have no twin there);
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
--   P..'sc:'..scope   HASH  everything a request reads and writes on the scope, so one HMGET
--                           reads it and one HSET (and one HDEL) writes it back per call:
--                           sig, res (reserved nano), pr (partial-room holder);
--                           r5:* and rd:* rolling buckets (min, sum, n, <bucket index>);
--                           fd/fw/fm/ft :start/:spent fixed windows;
--                           h:<request id> a hold, "<expires at ms> <amount nano> -" or
--                             "... +<session>" when it counts as a session there;
--                           hn holds in flight; hx no hold expires before this (ms, absent with
--                             no holds), so a sweep that would find nothing costs nothing;
--                           ttl when the key's TTL was last set to end (see done()).
--                           TTL: SCOPE_IDLE_MS after its last change (+ up to TTL_SLACK_MS).
--   P..'ss:'..scope   HASH  session -> requests in flight (scopes with a session limit only)
--   P..'rpm:'..scope  ZSET  request id -> admission time (ms), last 60 s
-- per minute of admission: P..'rb:'..minute HASH the records of the requests admitted in that
--   minute (of the callers' clock), field <request id> =
--   "<settled>|<exp>|<amt>|<pid>|<probe>|<scopes>|<session>" (record(), exp = end of its holds),
--   and RECORD_TTL_FIELD = until when (callers' clock) the hash's TTL is known to last. A record
--   is kept for its hold + RECORD_GRACE_MS, then RECORD_GRACE_MS once settled; the hash lives
--   until the last of them ends (+ up to RECORD_TTL_SLACK_MS). Settlements and failovers name
--   the minute by their request's admittedAt. (Before decision 0024's "Records by the minute":
--   a STRING per request at P..'rq:'..id; before its second part a HASH at P..'r:'..id, and the
--   holds in a ZSET P..'f:'..scope.)
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
-- A scope's TTL is renewed when less than SCOPE_IDLE_MS of it is left, to SCOPE_IDLE_MS plus
-- this: once a day per scope instead of once per call (an idle scope lives 35 to 36 days).
local TTL_SLACK_MS = 86400000
local RECORD_GRACE_MS = 3600000
-- Records share one hash per minute of admission: the batch reads and writes each minute's
-- records with one command instead of one per request (decision 0024, "Records by the minute").
local RECORD_BUCKET_MS = 60000
-- A minute's hash has its TTL pushed this far past what its records need, so it is renewed
-- about once per this period rather than at every call.
local RECORD_TTL_SLACK_MS = 600000
-- Not a request id (those are the hub's "req_…" or a caller's own without a "~").
local RECORD_TTL_FIELD = '~ttl'
local BREAKER_TTL_MS = 30 * 86400000

local function int(x) return string.format('%.0f', x) end
local function num(x) return tonumber(x) or 0 end
-- A numeric field of a scope's cache as a number, nil when absent. The string read from Redis
-- is parsed once per call and the number kept in its place: an operation reads the same
-- counters many times, and parsing them (strtod) was a good part of the script's time. Only
-- dirty fields are written back, so a clean field kept as a number changes nothing.
local function numeric(c, f)
  local v = c[f]
  if type(v) == 'string' then
    v = tonumber(v) or false
    c[f] = v
  end
  return v or nil
end
local function key(kind, id) return P .. kind .. ':' .. id end
local NULL = cjson.null
local function has(v) return v ~= nil and v ~= NULL end

-- The windows and their fields, named once per call: building a field name is a string
-- allocation, and the functions below would otherwise build the same few names for every
-- window of every scope of every operation (decision 0024, "Cheaper Lua").
-- Rolling windows: buckets "<pfx>:<bucket index>" and their min (oldest bucket, -1 = none),
-- sum and n (how many buckets). `at`, `idx` and `oldest`: the current bucket at the clock
-- `at` and the oldest one still inside the window, computed once per operation clock.
-- Literals, not built: span = lengthMs / bucketMs buckets (admission.ts ROLLING_WINDOWS).
local ROLLING = {
  ['5h'] = { pfx = 'r5', lengthMs = 5 * 3600000, bucketMs = 300000, span = 60, min = 'r5:min', sum = 'r5:sum', n = 'r5:n', names = {} },
  daily = { pfx = 'rd', lengthMs = 86400000, bucketMs = 900000, span = 96, min = 'rd:min', sum = 'rd:sum', n = 'rd:n', names = {} },
}
local ROLLING_ORDER = { ROLLING['5h'], ROLLING.daily }
local FIXED = {
  daily = { pfx = 'fd', start = 'fd:start', spent = 'fd:spent' },
  weekly = { pfx = 'fw', start = 'fw:start', spent = 'fw:spent' },
  monthly = { pfx = 'fm', start = 'fm:start', spent = 'fm:spent' },
  total = { pfx = 'ft', start = 'ft:start', spent = 'ft:spent' },
}
local FIXED_ORDER = { FIXED.daily, FIXED.weekly, FIXED.monthly, FIXED.total }

-- The field of bucket `idx` of a rolling window ("r5:5901234").
local function bucketField(r, idx)
  local f = r.names[idx]
  if not f then
    f = r.pfx .. ':' .. int(idx)
    r.names[idx] = f
  end
  return f
end

-- The current bucket of a rolling window at `now`, and the oldest one inside the window.
local function currentBucket(r)
  if r.at ~= now then
    r.at = now
    r.idx = math.floor(now / r.bucketMs)
    r.oldest = r.idx - r.span + 1
  end
  return r.idx, r.oldest
end

-- The fields of a scope's hash are read once per script (one HMGET) and kept in this cache;
-- writes go to the cache and are written back once, at the end of the script (done()): one
-- HSET (and one HDEL) per changed scope however many fields changed, and however many
-- operations of a batch changed them. The HMGET also reads the fields the batch's operations
-- will want (preload(): their holds, the current rolling buckets); any other field is read when
-- first needed (getf) and then cached the same way.
-- cache[scope][field] is the string read from Redis, or a number or a hold ({expires at,
-- amount, session or false}) written by this script and turned into its string once, by
-- done(); false when the hash has no such field (read absent, or deleted here); nil when not
-- read yet.
-- The first FIELDS are the ones S() names in its table constructor, in this order.
local FIELDS = { 'sig', 'res', 'pr', 'hn', 'hx', 'ttl', 'r5:min', 'r5:sum', 'r5:n', 'rd:min', 'rd:sum', 'rd:n',
  'fd:start', 'fd:spent', 'fw:start', 'fw:spent', 'fm:start', 'fm:spent', 'ft:start', 'ft:spent' }
local BASE_FIELDS = #FIELDS
local cache = {}
local dirty = {}
-- Scopes whose every field is in the cache (read whole by a sweep).
local whole = {}
-- TTLs to set once at the end (done()), key -> ms: a batch holds many requests on the same
-- RPM sets, and one PEXPIRE per key and script does what one per hold did.
local ttls = {}
local function expireLater(k, ms)
  if not ttls[k] or ttls[k] < ms then ttls[k] = ms end
end

-- Adds fields to read with every scope: a batch's request ids (their holds) and its clocks
-- (the rolling buckets they add to), so one HMGET per scope reads all that the batch needs.
local function preload(ids, clocks)
  local seen = {}
  local n = #FIELDS
  for _, id in ipairs(ids) do
    local f = 'h:' .. id
    if not seen[f] then
      seen[f] = true
      n = n + 1
      FIELDS[n] = f
    end
  end
  local lastAt = nil
  for _, at in ipairs(clocks) do
    -- The operations of a batch mostly share a millisecond, and always a bucket.
    if at ~= lastAt then
      lastAt = at
      for _, r in ipairs(ROLLING_ORDER) do
        local f = bucketField(r, math.floor(at / r.bucketMs))
        if not seen[f] then
          seen[f] = true
          n = n + 1
          FIELDS[n] = f
        end
      end
    end
  end
end

local function S(scope)
  local c = cache[scope]
  if c then return c end
  local v = redis.call('HMGET', key('sc', scope), unpack(FIELDS))
  -- One constructor sizes the table once (FIELDS' first entries, in their order).
  c = { sig = v[1] or false, res = v[2] or false, pr = v[3] or false, hn = v[4] or false, hx = v[5] or false, ttl = v[6] or false,
    ['r5:min'] = v[7] or false, ['r5:sum'] = v[8] or false, ['r5:n'] = v[9] or false,
    ['rd:min'] = v[10] or false, ['rd:sum'] = v[11] or false, ['rd:n'] = v[12] or false,
    ['fd:start'] = v[13] or false, ['fd:spent'] = v[14] or false, ['fw:start'] = v[15] or false, ['fw:spent'] = v[16] or false,
    ['fm:start'] = v[17] or false, ['fm:spent'] = v[18] or false, ['ft:start'] = v[19] or false, ['ft:spent'] = v[20] or false }
  for i = BASE_FIELDS + 1, #FIELDS do c[FIELDS[i]] = v[i] or false end
  cache[scope] = c
  return c
end

-- A field outside FIELDS (an old rolling bucket, another request's hold), read once into the
-- cache and written back with the rest. false when absent.
local function getf(scope, field)
  local c = S(scope)
  local v = c[field]
  if v == nil then
    if whole[scope] then v = false else v = redis.call('HGET', key('sc', scope), field) or false end
    c[field] = v
  end
  return v
end

-- Reads the rest of a scope's hash into the cache (fields the cache already has keep its value).
local function loadWhole(scope)
  if whole[scope] then return end
  local c = S(scope)
  local all = redis.call('HGETALL', key('sc', scope))
  for i = 1, #all, 2 do
    if c[all[i]] == nil then c[all[i]] = all[i + 1] end
  end
  whole[scope] = true
end

-- Sets a field of a scope's counters (written back by done()); false deletes it.
-- A scope's cache and the set of its fields done() will write back: the functions that change
-- several fields at once write c[field] and d[field] directly (a function call per field was a
-- good part of their time).
local function changes(scope)
  local c = S(scope)
  local d = dirty[scope]
  if not d then
    d = {}
    dirty[scope] = d
  end
  return c, d
end

local function setf(scope, field, value)
  local c, d = changes(scope)
  c[field] = value
  d[field] = true
end

local function delf(scope, field) setf(scope, field, false) end

-- Session bindings (strings), read once per script (preloaded with one MGET by batch.lua) and
-- written once at the end: key -> value, false when absent.
local strings = {}
-- Writes at the end, key -> { value, ttl ms } (value false: delete).
local stringWrites = {}

local function preloadStrings(keys)
  local want = {}
  for _, k in ipairs(keys) do
    if strings[k] == nil then
      strings[k] = false
      want[#want + 1] = k
    end
  end
  if #want == 0 then return end
  local values = redis.call('MGET', unpack(want))
  for i, k in ipairs(want) do strings[k] = values[i] or false end
end

local function getString(k)
  if strings[k] == nil then strings[k] = redis.call('GET', k) or false end
  return strings[k]
end

local function setString(k, value, ttlMs)
  strings[k] = value
  stringWrites[k] = { value, ttlMs }
end

-- Request records, by the hash of their minute of admission: bucket key -> { field -> value,
-- false when absent }, read once per call (preloadRecords: one HMGET per minute the batch
-- touches) and written once at the end (done()).
local recordBuckets = {}
-- Writes at the end, bucket key -> { fields = { id -> value | false }, need = latest end (callers'
-- clock) a record written now must be kept to, or nil }.
local recordWrites = {}

local function recordBucket(admittedAt) return P .. 'rb:' .. int(math.floor(admittedAt / RECORD_BUCKET_MS)) end
-- The operation's own request is in the minute it was admitted: an admission's is `now`.
local function ownBucket()
  local at = REQ.admittedAt
  if at == nil or at == NULL then at = now end
  return recordBucket(at)
end

local function bucketCache(bk)
  local b = recordBuckets[bk]
  if not b then
    b = {}
    recordBuckets[bk] = b
  end
  return b
end

-- wanted: bucket key -> list of request ids (may be empty: the bucket's TTL field alone).
local function preloadRecords(wanted)
  for bk, ids in pairs(wanted) do
    local b = bucketCache(bk)
    local fields, n = { RECORD_TTL_FIELD }, 1
    for _, id in ipairs(ids) do
      if b[id] == nil then
        b[id] = false
        n = n + 1
        fields[n] = id
      end
    end
    local values = redis.call('HMGET', bk, unpack(fields))
    b[RECORD_TTL_FIELD] = values[1] or false
    for i = 2, n do b[fields[i]] = values[i] or false end
  end
end

local function recordValue(bk, id)
  local b = bucketCache(bk)
  if b[id] == nil then b[id] = redis.call('HGET', bk, id) or false end
  return b[id]
end

-- ttlMs nil: keep the record as long as it was to be kept. Writing needs no read first.
local function writeRecord(id, value, ttlMs)
  local bk = ownBucket()
  bucketCache(bk)[id] = value
  local w = recordWrites[bk]
  if not w then
    w = { fields = {} }
    recordWrites[bk] = w
  end
  w.fields[id] = value
  if ttlMs and (not w.need or now + ttlMs > w.need) then w.need = now + ttlMs end
end

-- A request's record: what it holds (scopes, amt, sess), its provider and probe, whether it
-- settled, when its holds end. nil when there is none.
local function record(id)
  local v = recordValue(ownBucket(), id)
  if not v then return nil end
  local settled, exp, amt, pid, probe, scopes, sess = string.match(v, '^(%d)|(%d*)|(%d*)|(%d*)|(%d)|([^|]*)|(.*)$')
  return { settled = settled == '1', exp = tonumber(exp), amt = num(amt), pid = pid, probe = probe == '1', scopes = scopes, sess = sess }
end

local function saveRecord(id, r, ttlMs)
  local v = (r.settled and '1' or '0') .. '|' .. (r.exp and int(r.exp) or '') .. '|' .. int(r.amt or 0) .. '|' .. (r.pid or '') .. '|'
    .. (r.probe and '1' or '0') .. '|' .. (r.scopes or '') .. '|' .. (r.sess or '')
  writeRecord(id, v, ttlMs)
end

local function deleteRecord(id) writeRecord(id, false, nil) end

-- Writes a hash's changed fields: `fields` holds the names, `valueOf(name)` the string to store
-- or false to remove it; one HDEL and one HSET at most.
local function writeHash(k, fields, valueOf)
  local set, nset, gone, ngone = {}, 0, {}, 0
  for f in pairs(fields) do
    local v = valueOf(f)
    if v then
      set[nset + 1] = f
      set[nset + 2] = v
      nset = nset + 2
    else
      ngone = ngone + 1
      gone[ngone] = f
    end
  end
  if ngone > 0 then redis.call('HDEL', k, unpack(gone)) end
  if nset > 0 then redis.call('HSET', k, unpack(set)) end
end

-- Writes a minute's changed records and, when a record written now must outlive what the
-- hash's TTL is known to cover, pushes the TTL out (so about once per RECORD_TTL_SLACK_MS).
-- PEXPIRE GT never shortens it: another record of the minute may need longer. A hash without
-- the TTL field was created by this call and has no TTL yet, which GT would leave so; it gets a
-- plain PEXPIRE. A covered end far beyond what any record needs means the callers' clock moved
-- back: renewed too (GT keeps it safe).
local function writeRecords(bk, w)
  local renewMs, hadTtl = nil, false
  if w.need then
    local known = recordValue(bk, RECORD_TTL_FIELD)
    local covered = tonumber(known)
    if not covered or covered < w.need or covered > w.need + RECORD_TTL_SLACK_MS + 86400000 then
      renewMs = w.need - now + RECORD_TTL_SLACK_MS
      hadTtl = known and true or false
      local until_ = int(w.need + RECORD_TTL_SLACK_MS)
      recordBuckets[bk][RECORD_TTL_FIELD] = until_
      w.fields[RECORD_TTL_FIELD] = until_
    end
  end
  local fields = w.fields
  writeHash(bk, fields, function(id) return fields[id] end)
  if renewMs then
    if hadTtl then redis.call('PEXPIRE', bk, renewMs, 'GT') else redis.call('PEXPIRE', bk, renewMs) end
  end
end

-- A hold as stored: "<expires at> <amount> -", or "... +<session>" when it counts as a session.
local function holdString(h)
  if h[3] then return string.format('%.0f %.0f +%s', h[1], h[2], h[3]) end
  return string.format('%.0f %.0f -', h[1], h[2])
end

-- Writes the changed counter fields back (one HSET, and one HDEL if any field went away, per
-- scope; a PEXPIRE only when the TTL's end comes within SCOPE_IDLE_MS), the records, the
-- session bindings, and returns the script's result. Every script returns through it.
local function done(result)
  for scope, fields in pairs(dirty) do
    local c = cache[scope]
    -- The TTL's end is kept in `now`'s terms: a clock that moved back renews it too.
    local ttlEnd = numeric(c, 'ttl')
    if not ttlEnd or ttlEnd < now + SCOPE_IDLE_MS or ttlEnd > now + SCOPE_IDLE_MS + TTL_SLACK_MS then
      redis.call('PEXPIRE', key('sc', scope), SCOPE_IDLE_MS + TTL_SLACK_MS)
      c.ttl = now + SCOPE_IDLE_MS + TTL_SLACK_MS
      fields.ttl = true
    end
    writeHash(key('sc', scope), fields, function(f)
      local v = c[f]
      local t = type(v)
      if t == 'number' then return int(v) elseif t == 'table' then return holdString(v) end
      return v
    end)
  end
  for k, ms in pairs(ttls) do redis.call('PEXPIRE', k, ms) end
  for bk, w in pairs(recordWrites) do writeRecords(bk, w) end
  for k, w in pairs(stringWrites) do
    if not w[1] then redis.call('DEL', k)
    else redis.call('SET', k, w[1], 'PX', w[2]) end
  end
  return result
end

-- A scope with no limit at all needs nothing held for a request.
local function limited(spec)
  return has(spec.rpm) or has(spec.concurrentSessions) or #spec.windows > 0
end

-- In flight, per scope: each hold is a field of the scope's hash, h:<request id> =
-- "<expires at> <amount> -" or "<expires at> <amount> +<session>" (the request also counts as
-- a session there: scopes with a concurrent-session limit), as memory/quota-lib.ts keeps them.
-- A request's record lists the scopes it holds, each suffixed with "*" when counted as a session.

-- A hold's expiry, amount and session (nil when it does not count as one), from the string
-- read or the table hold() wrote.
local function parseHold(v)
  if type(v) == 'table' then return v[1], v[2], v[3] or nil end
  local exp, amt, flag, session = string.match(v, '^(%d+) (%d+) ([-+])(.*)$')
  return tonumber(exp), tonumber(amt), flag == '+' and session or nil
end

-- Releases one request's hold on a scope: its reservation and its session reference.
local function release(entry, id)
  local scope = entry
  if string.byte(entry, -1) == 42 then scope = string.sub(entry, 1, -2) end -- "k:12*"
  local field = 'h:' .. id
  local v = getf(scope, field)
  if not v then return end
  local _, amount, session = parseHold(v)
  local c, d = changes(scope)
  c[field] = false
  d[field] = true
  local left = math.max(0, (numeric(c, 'hn') or 0) - 1)
  c.hn = left
  d.hn = true
  -- With no hold left there is nothing to sweep until the next one.
  if left == 0 then
    c.hx = false
    d.hx = true
  end
  if c.pr == id then
    c.pr = false
    d.pr = true
  end
  if amount > 0 then
    c.res = math.max(0, (numeric(c, 'res') or 0) - amount)
    d.res = true
  end
  if session then
    local refs = redis.call('HINCRBY', key('ss', scope), session, -1)
    if refs <= 0 then redis.call('HDEL', key('ss', scope), session) end
  end
end

-- Releases the holds of requests whose process vanished (crashed), a few per call, the
-- earliest expiry first. `hx` says when the first hold can expire: until then there is nothing
-- to sweep and nothing is read.
local function sweep(scope)
  local hx = numeric(S(scope), 'hx')
  if not hx or hx > now then return end
  loadWhole(scope)
  local expired = {}
  local next = nil
  for f, v in pairs(cache[scope]) do
    if v and string.sub(f, 1, 2) == 'h:' then
      local exp = parseHold(v)
      if exp <= now then table.insert(expired, { exp, string.sub(f, 3) })
      elseif not next or exp < next then next = exp end
    end
  end
  table.sort(expired, function(a, b) if a[1] ~= b[1] then return a[1] < b[1] end return a[2] < b[2] end)
  for i, e in ipairs(expired) do
    if i > SWEEP then
      -- Left for the next call: the earliest expiry is still due.
      next = e[1]
      break
    end
    release(scope, e[2])
  end
  if next then setf(scope, 'hx', next) else delf(scope, 'hx') end
end

-- Holds a request on a scope; returns the scope's entry for the request record.
local function hold(spec, id, amount, session, expiresAt)
  local scope = spec.scope
  local counted = has(spec.concurrentSessions)
  local entry = counted and (scope .. '*') or scope
  local field = 'h:' .. id
  if getf(scope, field) then return entry end
  local c, d = changes(scope)
  c[field] = { expiresAt, amount, counted and session or false }
  d[field] = true
  c.hn = (numeric(c, 'hn') or 0) + 1
  d.hn = true
  local hx = numeric(c, 'hx')
  if not hx or expiresAt < hx then
    c.hx = expiresAt
    d.hx = true
  end
  if amount > 0 then
    c.res = (numeric(c, 'res') or 0) + amount
    d.res = true
  end
  if counted then redis.call('HINCRBY', key('ss', scope), session, 1) end
  if has(spec.rpm) then
    redis.call('ZADD', key('rpm', scope), now, id)
    expireLater(key('rpm', scope), RPM_MS * 2)
  end
  return entry
end

-- What spent() found for a window of a scope at the clock `at`: spentMemo[scope] =
-- { at = now, [window table] = nano }. An admission asks for each window's spend three times
-- (check, the partial room, reservable) and the same scopes again for the next operation of
-- the batch: every write to a window's fields (a rolled-over fixed window, dropped buckets, a
-- settled cost) forgets the scope's memo, so a remembered figure is the one spent() would
-- compute again.
local spentMemo = {}

-- Drops the buckets entirely older than the window (see memory/quota-lib.ts expireBuckets).
local function expire(scope, r)
  local c = S(scope)
  local min = numeric(c, r.min)
  if not min or min == -1 then return end
  local _, oldest = currentBucket(r)
  local stop = math.min(oldest, min + r.span)
  if stop <= min then return end
  spentMemo[scope] = nil
  local sum = numeric(c, r.sum) or 0
  local n = numeric(c, r.n) or 0
  for idx = min, stop - 1 do
    local f = bucketField(r, idx)
    local v = tonumber(getf(scope, f))
    if v then
      sum = sum - v
      n = n - 1
      delf(scope, f)
    end
  end
  if n <= 0 then
    setf(scope, r.min, -1)
    setf(scope, r.sum, 0)
    setf(scope, r.n, 0)
  else
    setf(scope, r.min, stop)
    setf(scope, r.sum, sum)
    setf(scope, r.n, n)
  end
end

-- Spend in a window now (fixed windows roll over to zero when their start changes).
local function spent(scope, w)
  local memo = spentMemo[scope]
  if memo and memo.at == now then
    local v = memo[w]
    if v then return v end
  end
  local v
  local r = w.lengthMs and ROLLING[w.kind]
  if r then
    expire(scope, r)
    v = numeric(cache[scope], r.sum) or 0
  else
    local fx = FIXED[w.kind]
    local start = w.start or 0
    local c = S(scope)
    if numeric(c, fx.start) ~= start then
      spentMemo[scope] = nil
      setf(scope, fx.start, start)
      setf(scope, fx.spent, 0)
      v = 0
    else
      v = numeric(c, fx.spent) or 0
    end
  end
  memo = spentMemo[scope]
  if memo and memo.at == now then memo[w] = v else spentMemo[scope] = { at = now, [w] = v } end
  return v
end

local function reserved(scope) return numeric(S(scope), 'res') or 0 end

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
  if holder and getf(spec.scope, 'h:' .. holder) then
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
  local c, d = changes(scope)
  spentMemo[scope] = nil
  for _, r in ipairs(ROLLING_ORDER) do
    expire(scope, r)
    local idx = currentBucket(r)
    local f = bucketField(r, idx)
    local before = c[f]
    if before == nil then before = getf(scope, f) end
    before = tonumber(before) or 0
    c[f] = before + nano
    d[f] = true
    c[r.sum] = (numeric(c, r.sum) or 0) + nano
    d[r.sum] = true
    -- A bucket is new when it held nothing (hydrate.lua never stores an empty one). n and min
    -- are written only when they change.
    if before == 0 then
      c[r.n] = (numeric(c, r.n) or 0) + 1
      d[r.n] = true
    end
    local min = numeric(c, r.min)
    if not min or min == -1 or idx < min then
      c[r.min] = idx
      d[r.min] = true
    end
  end
  for _, w in ipairs(spec.windows) do
    if has(w.start) then spent(scope, w) end
  end
  for _, fx in ipairs(FIXED_ORDER) do
    local f = fx.spent
    c[f] = (numeric(c, f) or 0) + nano
    d[f] = true
  end
  -- spent() of the fixed windows above remembered the figures before this cost.
  spentMemo[scope] = nil
end

-- Breakers ------------------------------------------------------------------------------------

-- A provider's breaker, read once per script call (a batch asks for the same provider's at
-- every admission and settlement): every change below goes through this table and is written
-- to Redis at once (saveBreaker, the half-open transition), so the copy stays what Redis holds.
local breakers = {}

local function breaker(pid)
  local bk = key('b', pid)
  local b = breakers[pid]
  if not b then
    local v = redis.call('HMGET', bk, 'state', 'failures', 'openUntil', 'hos')
    b = { state = v[1] or 'closed', failures = num(v[2]), openUntil = num(v[3]), hos = num(v[4]) }
    breakers[pid] = b
  end
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
