-- Error classes move out of the provider and model rows into their own dimensions
-- ("provider_err", "model_err": failures only, no histograms), so the rows every page reads
-- are one per bucket × member instead of one per error class as well (decision 0021: the
-- seeded million-row log had 2–5× more provider and model rows than members).
--   dim "provider"     ref provider id   err ""
--   dim "model"        ref model         err ""
--   dim "provider_err" ref provider id   err the failure's error class
--   dim "model_err"    ref model         err the failure's error class
CREATE OR REPLACE FUNCTION cch_rollup_request_log() RETURNS TRIGGER LANGUAGE plpgsql AS $fn$
BEGIN
  INSERT INTO usage_rollup AS r (dim, bucket, ref, err, requests, served, failures, refused,
      input_tokens, output_tokens, cache_read_tokens, cache_creation_tokens, cost_usd, ttfb_hist, duration_hist)
  SELECT dim, bucket, ref, err,
      count(*),
      count(*) FILTER (WHERE served),
      count(*) FILTER (WHERE served AND failed),
      count(*) FILTER (WHERE NOT served AND failed),
      sum(input_tokens), sum(output_tokens), sum(cache_read_tokens), sum(cache_creation_tokens),
      coalesce(sum(cost_usd), 0),
      CASE WHEN err = '' THEN ARRAY[count(*) FILTER (WHERE tb = 0), count(*) FILTER (WHERE tb = 1), count(*) FILTER (WHERE tb = 2), count(*) FILTER (WHERE tb = 3), count(*) FILTER (WHERE tb = 4), count(*) FILTER (WHERE tb = 5), count(*) FILTER (WHERE tb = 6), count(*) FILTER (WHERE tb = 7), count(*) FILTER (WHERE tb = 8), count(*) FILTER (WHERE tb = 9), count(*) FILTER (WHERE tb = 10), count(*) FILTER (WHERE tb = 11), count(*) FILTER (WHERE tb = 12), count(*) FILTER (WHERE tb = 13), count(*) FILTER (WHERE tb = 14), count(*) FILTER (WHERE tb = 15), count(*) FILTER (WHERE tb = 16), count(*) FILTER (WHERE tb = 17), count(*) FILTER (WHERE tb = 18), count(*) FILTER (WHERE tb = 19), count(*) FILTER (WHERE tb = 20), count(*) FILTER (WHERE tb = 21), count(*) FILTER (WHERE tb = 22), count(*) FILTER (WHERE tb = 23), count(*) FILTER (WHERE tb = 24), count(*) FILTER (WHERE tb = 25), count(*) FILTER (WHERE tb = 26)]::int[] END,
      CASE WHEN err = '' THEN ARRAY[count(*) FILTER (WHERE db = 0), count(*) FILTER (WHERE db = 1), count(*) FILTER (WHERE db = 2), count(*) FILTER (WHERE db = 3), count(*) FILTER (WHERE db = 4), count(*) FILTER (WHERE db = 5), count(*) FILTER (WHERE db = 6), count(*) FILTER (WHERE db = 7), count(*) FILTER (WHERE db = 8), count(*) FILTER (WHERE db = 9), count(*) FILTER (WHERE db = 10), count(*) FILTER (WHERE db = 11), count(*) FILTER (WHERE db = 12), count(*) FILTER (WHERE db = 13), count(*) FILTER (WHERE db = 14), count(*) FILTER (WHERE db = 15), count(*) FILTER (WHERE db = 16), count(*) FILTER (WHERE db = 17), count(*) FILTER (WHERE db = 18), count(*) FILTER (WHERE db = 19), count(*) FILTER (WHERE db = 20), count(*) FILTER (WHERE db = 21), count(*) FILTER (WHERE db = 22), count(*) FILTER (WHERE db = 23), count(*) FILTER (WHERE db = 24), count(*) FILTER (WHERE db = 25), count(*) FILTER (WHERE db = 26)]::int[] END
  FROM (
    SELECT date_bin('15 minutes', n.created_at, TIMESTAMP '2000-01-01') AS bucket, d.dim, d.ref, d.err,
        n.provider_id IS NOT NULL AS served, n.status_code >= 400 AS failed,
        n.input_tokens, n.output_tokens, n.cache_read_tokens,
        n.cache_creation_5m_tokens + n.cache_creation_1h_tokens AS cache_creation_tokens, n.cost_usd,
        CASE WHEN n.provider_id IS NOT NULL THEN width_bucket(n.ttfb_ms, ARRAY[25,50,100,150,200,300,400,500,750,1000,1500,2000,3000,4000,5000,7500,10000,15000,20000,30000,45000,60000,90000,120000,180000,300000]) END AS tb,
        CASE WHEN n.provider_id IS NOT NULL THEN width_bucket(n.duration_ms, ARRAY[25,50,100,150,200,300,400,500,750,1000,1500,2000,3000,4000,5000,7500,10000,15000,20000,30000,45000,60000,90000,120000,180000,300000]) END AS db
    FROM new_rows n
    CROSS JOIN LATERAL (
      SELECT CASE WHEN n.provider_id IS NOT NULL AND n.status_code >= 400
                  THEN left(coalesce(n.error_type, 'http_' || n.status_code), 64) ELSE '' END AS cls
    ) c
    CROSS JOIN LATERAL (VALUES
      ('all', '', ''),
      ('user', n.user_id::text, ''),
      ('key', n.key_id::text, ''),
      ('provider', n.provider_id::text, ''),
      ('model', left(n.model, 200), ''),
      ('provider_err', CASE WHEN c.cls <> '' THEN n.provider_id::text END, c.cls),
      ('model_err', CASE WHEN c.cls <> '' THEN left(n.model, 200) END, c.cls)
    ) AS d(dim, ref, err)
    WHERE d.ref IS NOT NULL
  ) x
  GROUP BY dim, bucket, ref, err
  ORDER BY dim, bucket, ref, err
  ON CONFLICT (dim, bucket, ref, err) DO UPDATE SET
    requests = r.requests + EXCLUDED.requests,
    served = r.served + EXCLUDED.served,
    failures = r.failures + EXCLUDED.failures,
    refused = r.refused + EXCLUDED.refused,
    input_tokens = r.input_tokens + EXCLUDED.input_tokens,
    output_tokens = r.output_tokens + EXCLUDED.output_tokens,
    cache_read_tokens = r.cache_read_tokens + EXCLUDED.cache_read_tokens,
    cache_creation_tokens = r.cache_creation_tokens + EXCLUDED.cache_creation_tokens,
    cost_usd = r.cost_usd + EXCLUDED.cost_usd,
    ttfb_hist = cch_hist_add(r.ttfb_hist, EXCLUDED.ttfb_hist),
    duration_hist = cch_hist_add(r.duration_hist, EXCLUDED.duration_hist);

  INSERT INTO session_rollup AS s (key_id, session_id, user_id, first_at, last_at, requests, failures, tokens, cost_usd,
      last_model, last_provider_id, user_agent)
  SELECT key_id, session_id, (array_agg(user_id ORDER BY created_at DESC))[1], min(created_at), max(created_at),
      count(*), count(*) FILTER (WHERE status_code >= 400),
      sum(input_tokens + output_tokens + cache_read_tokens + cache_creation_5m_tokens + cache_creation_1h_tokens),
      coalesce(sum(cost_usd), 0),
      left((array_agg(model ORDER BY created_at DESC))[1], 200),
      (array_agg(provider_id ORDER BY created_at DESC) FILTER (WHERE provider_id IS NOT NULL))[1],
      left((array_agg(user_agent ORDER BY created_at DESC))[1], 200)
  FROM new_rows
  WHERE session_id IS NOT NULL AND key_id IS NOT NULL
  GROUP BY key_id, session_id
  ORDER BY key_id, session_id
  ON CONFLICT (key_id, session_id) DO UPDATE SET
    user_id = coalesce(EXCLUDED.user_id, s.user_id),
    first_at = least(s.first_at, EXCLUDED.first_at),
    last_at = greatest(s.last_at, EXCLUDED.last_at),
    requests = s.requests + EXCLUDED.requests,
    failures = s.failures + EXCLUDED.failures,
    tokens = s.tokens + EXCLUDED.tokens,
    cost_usd = s.cost_usd + EXCLUDED.cost_usd,
    last_model = CASE WHEN EXCLUDED.last_at >= s.last_at THEN EXCLUDED.last_model ELSE s.last_model END,
    last_provider_id = CASE WHEN EXCLUDED.last_at >= s.last_at AND EXCLUDED.last_provider_id IS NOT NULL
                            THEN EXCLUDED.last_provider_id ELSE s.last_provider_id END,
    user_agent = CASE WHEN EXCLUDED.last_at >= s.last_at THEN EXCLUDED.user_agent ELSE s.user_agent END;
  RETURN NULL;
END
$fn$;


-- The rollups are rebuilt from the log under the new shape (they are a day old at most).
TRUNCATE usage_rollup;
  INSERT INTO usage_rollup AS r (dim, bucket, ref, err, requests, served, failures, refused,
      input_tokens, output_tokens, cache_read_tokens, cache_creation_tokens, cost_usd, ttfb_hist, duration_hist)
  SELECT dim, bucket, ref, err,
      count(*),
      count(*) FILTER (WHERE served),
      count(*) FILTER (WHERE served AND failed),
      count(*) FILTER (WHERE NOT served AND failed),
      sum(input_tokens), sum(output_tokens), sum(cache_read_tokens), sum(cache_creation_tokens),
      coalesce(sum(cost_usd), 0),
      CASE WHEN err = '' THEN ARRAY[count(*) FILTER (WHERE tb = 0), count(*) FILTER (WHERE tb = 1), count(*) FILTER (WHERE tb = 2), count(*) FILTER (WHERE tb = 3), count(*) FILTER (WHERE tb = 4), count(*) FILTER (WHERE tb = 5), count(*) FILTER (WHERE tb = 6), count(*) FILTER (WHERE tb = 7), count(*) FILTER (WHERE tb = 8), count(*) FILTER (WHERE tb = 9), count(*) FILTER (WHERE tb = 10), count(*) FILTER (WHERE tb = 11), count(*) FILTER (WHERE tb = 12), count(*) FILTER (WHERE tb = 13), count(*) FILTER (WHERE tb = 14), count(*) FILTER (WHERE tb = 15), count(*) FILTER (WHERE tb = 16), count(*) FILTER (WHERE tb = 17), count(*) FILTER (WHERE tb = 18), count(*) FILTER (WHERE tb = 19), count(*) FILTER (WHERE tb = 20), count(*) FILTER (WHERE tb = 21), count(*) FILTER (WHERE tb = 22), count(*) FILTER (WHERE tb = 23), count(*) FILTER (WHERE tb = 24), count(*) FILTER (WHERE tb = 25), count(*) FILTER (WHERE tb = 26)]::int[] END,
      CASE WHEN err = '' THEN ARRAY[count(*) FILTER (WHERE db = 0), count(*) FILTER (WHERE db = 1), count(*) FILTER (WHERE db = 2), count(*) FILTER (WHERE db = 3), count(*) FILTER (WHERE db = 4), count(*) FILTER (WHERE db = 5), count(*) FILTER (WHERE db = 6), count(*) FILTER (WHERE db = 7), count(*) FILTER (WHERE db = 8), count(*) FILTER (WHERE db = 9), count(*) FILTER (WHERE db = 10), count(*) FILTER (WHERE db = 11), count(*) FILTER (WHERE db = 12), count(*) FILTER (WHERE db = 13), count(*) FILTER (WHERE db = 14), count(*) FILTER (WHERE db = 15), count(*) FILTER (WHERE db = 16), count(*) FILTER (WHERE db = 17), count(*) FILTER (WHERE db = 18), count(*) FILTER (WHERE db = 19), count(*) FILTER (WHERE db = 20), count(*) FILTER (WHERE db = 21), count(*) FILTER (WHERE db = 22), count(*) FILTER (WHERE db = 23), count(*) FILTER (WHERE db = 24), count(*) FILTER (WHERE db = 25), count(*) FILTER (WHERE db = 26)]::int[] END
  FROM (
    SELECT date_bin('15 minutes', n.created_at, TIMESTAMP '2000-01-01') AS bucket, d.dim, d.ref, d.err,
        n.provider_id IS NOT NULL AS served, n.status_code >= 400 AS failed,
        n.input_tokens, n.output_tokens, n.cache_read_tokens,
        n.cache_creation_5m_tokens + n.cache_creation_1h_tokens AS cache_creation_tokens, n.cost_usd,
        CASE WHEN n.provider_id IS NOT NULL THEN width_bucket(n.ttfb_ms, ARRAY[25,50,100,150,200,300,400,500,750,1000,1500,2000,3000,4000,5000,7500,10000,15000,20000,30000,45000,60000,90000,120000,180000,300000]) END AS tb,
        CASE WHEN n.provider_id IS NOT NULL THEN width_bucket(n.duration_ms, ARRAY[25,50,100,150,200,300,400,500,750,1000,1500,2000,3000,4000,5000,7500,10000,15000,20000,30000,45000,60000,90000,120000,180000,300000]) END AS db
    FROM request_log n
    CROSS JOIN LATERAL (
      SELECT CASE WHEN n.provider_id IS NOT NULL AND n.status_code >= 400
                  THEN left(coalesce(n.error_type, 'http_' || n.status_code), 64) ELSE '' END AS cls
    ) c
    CROSS JOIN LATERAL (VALUES
      ('all', '', ''),
      ('user', n.user_id::text, ''),
      ('key', n.key_id::text, ''),
      ('provider', n.provider_id::text, ''),
      ('model', left(n.model, 200), ''),
      ('provider_err', CASE WHEN c.cls <> '' THEN n.provider_id::text END, c.cls),
      ('model_err', CASE WHEN c.cls <> '' THEN left(n.model, 200) END, c.cls)
    ) AS d(dim, ref, err)
    WHERE d.ref IS NOT NULL
  ) x
  GROUP BY dim, bucket, ref, err
  ORDER BY dim, bucket, ref, err
  ON CONFLICT (dim, bucket, ref, err) DO UPDATE SET
    requests = r.requests + EXCLUDED.requests,
    served = r.served + EXCLUDED.served,
    failures = r.failures + EXCLUDED.failures,
    refused = r.refused + EXCLUDED.refused,
    input_tokens = r.input_tokens + EXCLUDED.input_tokens,
    output_tokens = r.output_tokens + EXCLUDED.output_tokens,
    cache_read_tokens = r.cache_read_tokens + EXCLUDED.cache_read_tokens,
    cache_creation_tokens = r.cache_creation_tokens + EXCLUDED.cache_creation_tokens,
    cost_usd = r.cost_usd + EXCLUDED.cost_usd,
    ttfb_hist = cch_hist_add(r.ttfb_hist, EXCLUDED.ttfb_hist),
    duration_hist = cch_hist_add(r.duration_hist, EXCLUDED.duration_hist);

