-- Settlement, idempotent per request id: release every hold of the request, add the actual
-- cost to the windows, record the breaker outcome and bind the session. Mirrors
-- memory/settle.ts. Part of the batch script (batch.lua), after quota-lib.lua.
-- rk: the request record; REQ: the SettleRequest. Returns "settled" or "duplicate".
local function settleOp(rk)
  local id = REQ.requestId
  local rec = redis.call('HMGET', rk, 'scopes', 'pid', 'probe', 'settled', 'amt', 'sess')
  if rec[4] == '1' then return 'duplicate' end
  if rec[1] then
    for entry in string.gmatch(rec[1], '%S+') do release(entry, id, num(rec[5]), rec[6] or '') end
    if rec[3] == '1' and rec[2] and rec[2] ~= '' then releaseProbe(tonumber(rec[2]), id) end
  end
  -- Remember the settlement (also for requests admitted while the store was unreachable).
  redis.call('HSET', rk, 'settled', 1)
  redis.call('PEXPIRE', rk, RECORD_GRACE_MS)

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
    redis.call('SET', P .. 'sb:' .. REQ.bind.bindingKey, REQ.bind.providerId .. ':' .. int(now + REQ.bind.ttlMs), 'PX', REQ.bind.ttlMs)
  end
  return 'settled'
end
