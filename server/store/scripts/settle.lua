-- Settlement, idempotent per request id: release every hold of the request, add the actual
-- cost to the windows, record the breaker outcome and bind the session. Mirrors
-- memory/settle.ts. Part of the batch script (batch.lua), after quota-lib.lua.
-- REQ: the SettleRequest. Returns "settled" or "duplicate".
local function settleOp()
  local id = REQ.requestId
  local rec = record(id)
  if rec and rec.settled then return 'duplicate' end
  if rec then
    for entry in string.gmatch(rec.scopes, '%S+') do release(entry, id) end
    if rec.probe and rec.pid ~= '' then releaseProbe(tonumber(rec.pid), id) end
  end
  -- Remember the settlement (also for requests admitted while the store was unreachable): what
  -- it held is released, only the mark is kept.
  saveRecord(id, { settled = true }, RECORD_GRACE_MS)

  if REQ.costNano > 0 then
    for _, spec in ipairs(REQ.scopes) do
      -- Counters not yet hydrated get this spend from the ledger when they are.
      if #spec.windows > 0 and S(spec.scope).sig == spec.signature then addSpend(spec, REQ.costNano) end
    end
  end
  if REQ.providerId ~= cjson.null and REQ.breakerConfig ~= cjson.null then
    if REQ.breaker == 'success' then breakerSuccess(REQ.providerId, REQ.breakerConfig)
    elseif REQ.breaker == 'failure' then breakerFailure(REQ.providerId, REQ.breakerConfig) end
  end
  if REQ.bind ~= cjson.null and REQ.bind ~= nil then
    setString(P .. 'sb:' .. REQ.bind.bindingKey, REQ.bind.providerId .. ':' .. int(now + REQ.bind.ttlMs), REQ.bind.ttlMs)
  end
  return 'settled'
end
