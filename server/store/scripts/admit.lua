-- Admission of one request (see server/store/admission.ts AdmitRequest / AdmitResult and
-- memory/admit.ts, which this mirrors). Part of the batch script (batch.lua), after quota-lib.lua.
-- REQ: the AdmitRequest; returns an AdmitResult table.
local function admitOp()
  local id = REQ.requestId
  local session = id
  if REQ.session ~= cjson.null and REQ.session ~= nil then session = REQ.session.id end

  -- 1. Counters that are not trusted must be rebuilt from the ledger first.
  if not REQ.passthrough then
    local specs = {}
    for _, s in ipairs(REQ.scopes) do table.insert(specs, s) end
    for _, c in ipairs(REQ.candidates) do table.insert(specs, c.limits) end
    local missing = unhydrated(specs)
    if #missing > 0 then return { status = 'unhydrated', scopes = missing } end
  end

  -- 2. The caller's own limits (and at most one request in a scope's last partial room).
  local partials = {}
  if not REQ.passthrough then
    for _, spec in ipairs(REQ.scopes) do
      local h = check(spec, session)
      if not h then h = partialBlocked(spec, REQ.estimateNano, partials) end
      if h and REQ.enforce then return { status = 'limited', hit = h } end
    end
  end

  -- 3. The provider: the session's binding first, unless a reclaiming provider outranks it.
  local skipped = {}
  local bound = nil
  if REQ.session ~= cjson.null and REQ.session ~= nil then
    -- "<provider id>:<expires at>": the expiry is compared with the `now` passed in, like every
    -- other time in these scripts (the key's PX only removes it afterwards). A bare id was
    -- written before the expiry was stored; its PX alone ends it.
    local v = getString(P .. 'sb:' .. REQ.session.bindingKey)
    if v then
      local pid, expiresAt = string.match(v, '^(%d+):(%d+)$')
      if not pid then bound = tonumber(v)
      elseif tonumber(expiresAt) > now then bound = tonumber(pid) end
    end
  end
  local boundCandidate = nil
  if bound then
    for _, c in ipairs(REQ.candidates) do
      if c.providerId == bound and not c.disableSessionReuse then boundCandidate = c end
    end
  end
  local chosen, state, via = nil, nil, 'order'
  if boundCandidate then
    local reclaimers = {}
    for _, c in ipairs(REQ.candidates) do
      if c.reclaimSessions and c.priority < boundCandidate.priority then table.insert(reclaimers, c) end
    end
    chosen, state = firstAcceptable(reclaimers, session, {})
    if not chosen then
      chosen, state = firstAcceptable({ boundCandidate }, session, skipped)
      if chosen then via = 'session' end
    end
  end
  if not chosen then chosen, state = firstAcceptable(REQ.candidates, session, skipped) end
  if not chosen then return { status = 'no_provider', skipped = skipped } end

  -- 4. Reserve on every scope: the key's, the user's, the chosen provider's.
  local specs = {}
  for _, s in ipairs(REQ.scopes) do table.insert(specs, s) end
  table.insert(specs, chosen.limits)
  local amount = 0
  if not REQ.passthrough then amount = reservable(specs, REQ.estimateNano) end
  local expiresAt = now + REQ.holdMs
  local probe = takeProbe(chosen.providerId, state, id, expiresAt)
  local scopeNames = {}
  if not REQ.passthrough then
    for _, spec in ipairs(specs) do
      if limited(spec) then table.insert(scopeNames, hold(spec, id, amount, session, expiresAt)) end
    end
  end
  for _, scope in ipairs(partials) do setf(scope, 'pr', id) end
  saveRecord(id, { settled = false, exp = expiresAt, amt = amount, pid = int(chosen.providerId), probe = probe, scopes = table.concat(scopeNames, ' '), sess = session },
    REQ.holdMs + RECORD_GRACE_MS)

  local moved = bound ~= nil and bound ~= chosen.providerId
  return admitted(chosen.providerId, via, moved, amount, state, skipped)
end
