-- The operations of requests (admit, failover, settle) issued in one event-loop turn of a hub
-- process, run in the order given (decision 0024). Prepended with quota-lib.lua, admit.lua,
-- failover.lua and settle.lua. Each operation sees what the ones before it did, exactly as if
-- it had been its own script call: the counter cache of quota-lib.lua stays coherent because
-- every read and write of a cached field goes through it. The scopes' counters are written back
-- once, at the end.
-- KEYS[1] a key of the quota slot (routing); ARGV[1] prefix;
-- ARGV[2] {"specs": [ScopeSpec, ...], "ops": [{"o": "admit" | "failover" | "settle", "r": <request>}, ...]}
-- (a failover's and a settlement's request carry admittedAt, the `now` of their admission: the
-- minute whose hash keeps their record)
-- where each scope spec of a request (scopes, candidates[].limits) is given as its index in
-- `specs` (0-based): the requests of a batch share them, and decoding is what costs here.
-- Returns a list with one string per operation (redis-store.ts parseReply reads them):
--   "settled" / "duplicate" for a settlement;
--   "admitted|<provider id>|<via>|<session moved 0/1>|<reserved nano>|<breaker state>|<skipped>"
--     for an admission or failover that found a provider, <skipped> the JSON list of the
--     candidates passed over, empty when none (the common case costs no JSON at all);
--   any other AdmitResult as JSON, and {"error": message} for an operation that failed (the
--   others still count).

local OPERATIONS = { admit = admitOp, failover = failoverOp, settle = settleOp }
local SPECS = REQ.specs
local function specs(refs)
  if refs == nil or refs == cjson.null then return refs end
  for i, ref in ipairs(refs) do refs[i] = SPECS[ref + 1] end
  return refs
end
local function candidates(list)
  for _, c in ipairs(list) do c.limits = SPECS[c.limits + 1] end
end

-- What the batch will read, read at once: each scope's hash with the batch's holds and current
-- buckets (one HMGET per scope), the records of the requests it settles or fails over (one
-- HMGET per minute of admission, which also reads whether the minute's TTL covers the records
-- the admissions write there) and the session bindings its admissions look up (one MGET).
local ids, clocks, strs, minutes = {}, {}, {}, {}
for _, op in ipairs(REQ.ops) do
  local r = op.r
  table.insert(ids, r.requestId)
  table.insert(clocks, r.now)
  if op.o == 'admit' then
    local bk = recordBucket(r.now)
    minutes[bk] = minutes[bk] or {}
    if r.session ~= cjson.null and r.session ~= nil then table.insert(strs, P .. 'sb:' .. r.session.bindingKey) end
  else
    local bk = recordBucket(r.admittedAt)
    minutes[bk] = minutes[bk] or {}
    table.insert(minutes[bk], r.requestId)
  end
end
preload(ids, clocks)
preloadRecords(minutes)
preloadStrings(strs)

local function reply(result)
  if type(result) ~= 'table' then return result end
  if result.status == 'admitted' then
    local skipped = ''
    if #result.skipped > 0 then skipped = cjson.encode(result.skipped) end
    return 'admitted|' .. int(result.providerId) .. '|' .. result.via .. '|' .. (result.sessionMoved and '1' or '0') .. '|'
      .. result.reservedNano .. '|' .. result.breakerState .. '|' .. skipped
  end
  return cjson.encode(result)
end

local results = {}
for i, op in ipairs(REQ.ops) do
  REQ = op.r
  now = REQ.now
  specs(REQ.scopes)
  if REQ.candidates then candidates(REQ.candidates) end
  local fn = OPERATIONS[op.o]
  local ok, result = false, 'unknown operation'
  if fn then ok, result = pcall(fn) end
  if ok then ok, result = pcall(reply, result) end
  if ok then
    results[i] = result
  else
    -- redis.call raises a table {err = ...}; a Lua error is a string.
    results[i] = cjson.encode({ error = type(result) == 'table' and tostring(result.err) or tostring(result) })
  end
end
return done(results)
