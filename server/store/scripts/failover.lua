-- Failover after a provider failed before anything reached the client: release what the
-- failed provider held, count its breaker failure, and admit the request on the next
-- acceptable candidate. Mirrors memory/failover.ts. Part of the batch script (batch.lua).
-- rk: the request record; REQ: the FailoverRequest. Returns an AdmitResult table.
local function failoverOp(rk)
  local id = REQ.requestId
  local failed = REQ.failedProviderId
  local failedScope = 'p:' .. failed
  local rec = redis.call('HMGET', rk, 'scopes', 'amt', 'sess', 'probe', 'settled', 'exp', 'pid')
  local exists = rec[1] ~= false
  if exists and rec[5] ~= '1' and tonumber(rec[6]) and tonumber(rec[6]) <= now then
    -- Its holds expired before it settled: its process was taken to have vanished. Free what it
    -- held and forget it, so it continues like a request the store never saw (as
    -- memory/quota-lib.ts liveRecord() does).
    for entry in string.gmatch(rec[1], '%S+') do release(entry, id, num(rec[2]), rec[3] or '') end
    if rec[4] == '1' and rec[7] and rec[7] ~= '' then releaseProbe(tonumber(rec[7]), id) end
    redis.call('DEL', rk)
    exists = false
  end
  local scopes = {}
  if exists and rec[5] ~= '1' then
    for entry in string.gmatch(rec[1], '%S+') do
      if entry == failedScope or entry == failedScope .. '*' then release(entry, id, num(rec[2]), rec[3] or '')
      else table.insert(scopes, entry) end
    end
    if rec[4] == '1' then releaseProbe(failed, id) end
    redis.call('HSET', rk, 'scopes', table.concat(scopes, ' '), 'probe', 0, 'pid', '')
  end
  if REQ.countFailure then breakerFailure(failed, REQ.failedBreaker) end

  if not REQ.passthrough then
    local specs = {}
    for _, c in ipairs(REQ.candidates) do table.insert(specs, c.limits) end
    local missing = unhydrated(specs)
    if #missing > 0 then return { status = 'unhydrated', scopes = missing } end
  end

  local session = id
  -- A settled request counts as its own session, whether or not its record is still kept.
  if exists and rec[5] ~= '1' and rec[3] then session = rec[3] end
  local skipped = {}
  local chosen, state = firstAcceptable(REQ.candidates, session, skipped)
  if not chosen then return { status = 'no_provider', skipped = skipped } end

  -- What the request holds: nothing once it has settled.
  local amount = 0
  if exists and rec[5] ~= '1' then amount = num(rec[2]) end
  local probe = takeProbe(chosen.providerId, state, id, now + REQ.holdMs)
  if exists and rec[5] ~= '1' then
    -- Every hold of a request ends when the one taken at admission ends (memory/quota-lib.ts
    -- hold() uses the record's expiry): a failover does not extend what a vanished process keeps.
    -- Records written before 'exp' was stored hold from now.
    local expiresAt = tonumber(rec[6]) or (now + REQ.holdMs)
    if not REQ.passthrough and limited(chosen.limits) then
      table.insert(scopes, hold(chosen.limits, id, amount, session, expiresAt, REQ.holdMs))
    end
    redis.call('HSET', rk, 'scopes', table.concat(scopes, ' '), 'pid', chosen.providerId, 'probe', probe and 1 or 0)
  end
  return admitted(chosen.providerId, 'order', false, amount, state, skipped)
end
