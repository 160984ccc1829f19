-- Request filters act on the request (before forwarding) or on the response (before it is returned).
ALTER TABLE "request_filters" ADD COLUMN "phase" TEXT NOT NULL DEFAULT 'request';

-- The display currency's rate per US dollar, set by the admin, and when it was set. Amounts are
-- still stored and limited in USD; the rate only changes how the dashboard shows them.
ALTER TABLE "system_settings" ADD COLUMN "exchange_rate" DECIMAL(18,8) NOT NULL DEFAULT 1;
ALTER TABLE "system_settings" ADD COLUMN "exchange_rate_set_at" TIMESTAMP(3);
