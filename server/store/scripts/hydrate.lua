-- Rebuilds a scope's counters from ledger sums, unless they are already hydrated under the
-- same signature (another instance won the race). Prepended with quota-lib.lua.
-- KEYS[1] the scope's counter hash; ARGV[1] prefix; ARGV[2] {now, scope, signature, data}.

local sk = KEYS[1]
if redis.call('HGET', sk, 'sig') == REQ.signature then return 'kept' end
-- What is in flight is not the ledger's business: the holds, the reservations and the request
-- holding the partial room (decision 0009) survive the rebuild, as in memory/hydrate.ts.
local old = redis.call('HGETALL', sk)
local kept = {}
for i = 1, #old, 2 do
  local f = old[i]
  if f == 'pr' or f == 'hn' or f == 'hx' or string.sub(f, 1, 2) == 'h:' then
    table.insert(kept, f); table.insert(kept, old[i + 1])
  elseif f == 'res' then kept.res = old[i + 1] end
end
redis.call('DEL', sk)
-- Labelled with the signature the sums were loaded under: if that is not the spec's any more,
-- the counters stay untrusted and are rebuilt again (memory/hydrate.ts does the same).
local fields = { 'sig', REQ.data.signature, 'res', kept.res or 0, 'ttl', int(now + SCOPE_IDLE_MS + TTL_SLACK_MS) }
for _, v in ipairs(kept) do table.insert(fields, v) end
for kind, r in pairs(ROLLING) do
  local pfx = r.pfx
  local sum, n, min = 0, 0, -1
  local buckets = REQ.data.buckets[kind]
  if buckets and buckets ~= cjson.null then
    for idx, nano in pairs(buckets) do
      -- An empty bucket is not stored: addSpend counts a bucket as new when HINCRBY returns
      -- just the cost, which a stored 0 would make it count twice (n too high, so the window
      -- stopped forgetting old spend in time).
      if nano ~= 0 then
        local i = tonumber(idx)
        table.insert(fields, pfx .. ':' .. int(i)); table.insert(fields, int(nano))
        sum = sum + nano
        n = n + 1
        if min == -1 or i < min then min = i end
      end
    end
  end
  table.insert(fields, pfx .. ':sum'); table.insert(fields, int(sum))
  table.insert(fields, pfx .. ':n'); table.insert(fields, int(n))
  table.insert(fields, pfx .. ':min'); table.insert(fields, int(min))
end
for kind, fx in pairs(FIXED) do
  local f = REQ.data.fixed[kind]
  if f and f ~= cjson.null then
    table.insert(fields, fx.start); table.insert(fields, int(f.start))
    table.insert(fields, fx.spent); table.insert(fields, int(f.spentNano))
  end
end
redis.call('HSET', sk, unpack(fields))
redis.call('PEXPIRE', sk, SCOPE_IDLE_MS + TTL_SLACK_MS)
return 'hydrated'
