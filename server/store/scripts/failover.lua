-- Failover after a provider failed before anything reached the client: release what the
-- failed provider held, count its breaker failure, and admit the request on the next
-- acceptable candidate. Mirrors memory/failover.ts. Part of the batch script (batch.lua).
-- REQ: the FailoverRequest. Returns an AdmitResult table.
local function failoverOp()
  local id = REQ.requestId
  local failed = REQ.failedProviderId
  local failedScope = 'p:' .. failed
  local rec = record(id)
  if rec and not rec.settled and rec.exp and rec.exp <= now then
    -- Its holds expired before it settled: its process was taken to have vanished. Free what it
    -- held and forget it, so it continues like a request the store never saw (as
    -- memory/quota-lib.ts liveRecord() does).
    for entry in string.gmatch(rec.scopes, '%S+') do release(entry, id) end
    if rec.probe and rec.pid ~= '' then releaseProbe(tonumber(rec.pid), id) end
    deleteRecord(id)
    rec = nil
  end
  local live = rec and not rec.settled
  local scopes = {}
  if live then
    for entry in string.gmatch(rec.scopes, '%S+') do
      if entry == failedScope or entry == failedScope .. '*' then release(entry, id)
      else table.insert(scopes, entry) end
    end
    if rec.probe then releaseProbe(failed, id) end
    rec.probe = false
    rec.pid = ''
  end
  if REQ.countFailure then breakerFailure(failed, REQ.failedBreaker) end

  if not REQ.passthrough then
    local specs = {}
    for _, c in ipairs(REQ.candidates) do table.insert(specs, c.limits) end
    local missing = unhydrated(specs)
    if #missing > 0 then
      if live then
        rec.scopes = table.concat(scopes, ' ')
        saveRecord(id, rec, nil)
      end
      return { status = 'unhydrated', scopes = missing }
    end
  end

  local session = id
  -- A settled request counts as its own session, whether or not its record is still kept.
  if live then session = rec.sess end
  local skipped = {}
  local chosen, state = firstAcceptable(REQ.candidates, session, skipped)
  if not chosen then
    if live then
      rec.scopes = table.concat(scopes, ' ')
      saveRecord(id, rec, nil)
    end
    return { status = 'no_provider', skipped = skipped }
  end

  -- What the request holds: nothing once it has settled.
  local amount = 0
  if live then amount = rec.amt end
  local probe = takeProbe(chosen.providerId, state, id, now + REQ.holdMs)
  if live then
    -- Every hold of a request ends when the one taken at admission ends (memory/quota-lib.ts
    -- hold() uses the record's expiry): a failover does not extend what a vanished process keeps.
    local expiresAt = rec.exp or (now + REQ.holdMs)
    if not REQ.passthrough and limited(chosen.limits) then
      table.insert(scopes, hold(chosen.limits, id, amount, session, expiresAt))
    end
    rec.scopes = table.concat(scopes, ' ')
    rec.pid = int(chosen.providerId)
    rec.probe = probe
    saveRecord(id, rec, nil)
  end
  return admitted(chosen.providerId, 'order', false, amount, state, skipped)
end
