-- "This provider's failures, newest first" is the log page's most common pair of filters; with
-- only single-column indexes PostgreSQL walks the whole time range to count it (decision 0021).
CREATE INDEX "request_log_provider_id_status_code_created_at_idx" ON "request_log"("provider_id", "status_code", "created_at" DESC);
