-- CreateEnum
CREATE TYPE "Role" AS ENUM ('admin', 'user');

-- CreateTable
CREATE TABLE "users" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "role" "Role" NOT NULL DEFAULT 'user',
    "is_enabled" BOOLEAN NOT NULL DEFAULT true,
    "expires_at" TIMESTAMP(3),
    "provider_group" TEXT,
    "tags" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "rpm_limit" INTEGER,
    "limit_5h_usd" DECIMAL(16,6),
    "limit_daily_usd" DECIMAL(16,6),
    "daily_reset_mode" TEXT NOT NULL DEFAULT 'fixed',
    "daily_reset_time" TEXT NOT NULL DEFAULT '00:00',
    "limit_weekly_usd" DECIMAL(16,6),
    "limit_monthly_usd" DECIMAL(16,6),
    "limit_total_usd" DECIMAL(16,6),
    "limit_concurrent_sessions" INTEGER,
    "total_cost_reset_at" TIMESTAMP(3),
    "allowed_models" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "allowed_clients" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "blocked_clients" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,
    "deleted_at" TIMESTAMP(3),

    CONSTRAINT "users_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "api_keys" (
    "id" SERIAL NOT NULL,
    "user_id" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "key_hash" TEXT NOT NULL,
    "key_masked" TEXT NOT NULL,
    "is_enabled" BOOLEAN NOT NULL DEFAULT true,
    "expires_at" TIMESTAMP(3),
    "can_login_web_ui" BOOLEAN NOT NULL DEFAULT false,
    "provider_group" TEXT,
    "cache_ttl_preference" TEXT NOT NULL DEFAULT 'inherit',
    "rpm_limit" INTEGER,
    "limit_5h_usd" DECIMAL(16,6),
    "limit_daily_usd" DECIMAL(16,6),
    "daily_reset_mode" TEXT NOT NULL DEFAULT 'fixed',
    "daily_reset_time" TEXT NOT NULL DEFAULT '00:00',
    "limit_weekly_usd" DECIMAL(16,6),
    "limit_monthly_usd" DECIMAL(16,6),
    "limit_total_usd" DECIMAL(16,6),
    "limit_concurrent_sessions" INTEGER,
    "total_cost_reset_at" TIMESTAMP(3),
    "last_used_at" TIMESTAMP(3),
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,
    "deleted_at" TIMESTAMP(3),

    CONSTRAINT "api_keys_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "providers" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "url" TEXT NOT NULL,
    "key_encrypted" TEXT NOT NULL,
    "provider_type" TEXT NOT NULL,
    "is_enabled" BOOLEAN NOT NULL DEFAULT true,
    "weight" INTEGER NOT NULL DEFAULT 1,
    "priority" INTEGER NOT NULL DEFAULT 0,
    "group_priorities" JSONB NOT NULL DEFAULT '{}',
    "cost_multiplier" DECIMAL(10,4) NOT NULL DEFAULT 1,
    "group_tag" TEXT,
    "active_time_start" TEXT,
    "active_time_end" TEXT,
    "allowed_models" JSONB NOT NULL DEFAULT '[]',
    "model_redirects" JSONB NOT NULL DEFAULT '[]',
    "allowed_clients" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "blocked_clients" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "rpm_limit" INTEGER,
    "limit_5h_usd" DECIMAL(16,6),
    "limit_daily_usd" DECIMAL(16,6),
    "daily_reset_mode" TEXT NOT NULL DEFAULT 'fixed',
    "daily_reset_time" TEXT NOT NULL DEFAULT '00:00',
    "limit_weekly_usd" DECIMAL(16,6),
    "limit_monthly_usd" DECIMAL(16,6),
    "limit_total_usd" DECIMAL(16,6),
    "limit_concurrent_sessions" INTEGER,
    "total_cost_reset_at" TIMESTAMP(3),
    "max_retry_attempts" INTEGER,
    "circuit_breaker_failure_threshold" INTEGER NOT NULL DEFAULT 5,
    "circuit_breaker_open_duration_ms" INTEGER NOT NULL DEFAULT 1800000,
    "circuit_breaker_half_open_success_threshold" INTEGER NOT NULL DEFAULT 2,
    "circuit_breaker_half_open_max_probes" INTEGER NOT NULL DEFAULT 2,
    "first_byte_timeout_streaming_ms" INTEGER NOT NULL DEFAULT 0,
    "streaming_idle_timeout_ms" INTEGER NOT NULL DEFAULT 0,
    "request_timeout_non_streaming_ms" INTEGER NOT NULL DEFAULT 0,
    "client_abort_policy" TEXT NOT NULL DEFAULT 'abort',
    "drain_timeout_ms" INTEGER NOT NULL DEFAULT 30000,
    "session_ttl_seconds" INTEGER,
    "disable_session_reuse" BOOLEAN NOT NULL DEFAULT false,
    "reclaim_sessions" BOOLEAN NOT NULL DEFAULT false,
    "proxy_url" TEXT,
    "proxy_fallback_to_direct" BOOLEAN NOT NULL DEFAULT false,
    "preserve_client_ip" BOOLEAN NOT NULL DEFAULT false,
    "custom_headers" JSONB NOT NULL DEFAULT '{}',
    "cache_ttl_preference" TEXT NOT NULL DEFAULT 'inherit',
    "mcp_passthrough_type" TEXT NOT NULL DEFAULT 'none',
    "mcp_passthrough_url" TEXT,
    "website_url" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,
    "deleted_at" TIMESTAMP(3),

    CONSTRAINT "providers_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "provider_groups" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "cost_multiplier" DECIMAL(10,4) NOT NULL DEFAULT 1,
    "description" TEXT NOT NULL DEFAULT '',
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "provider_groups_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "model_prices" (
    "id" SERIAL NOT NULL,
    "model_name" TEXT NOT NULL,
    "price_data" JSONB NOT NULL,
    "source" TEXT NOT NULL DEFAULT 'manual',
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "model_prices_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "system_settings" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "site_title" TEXT NOT NULL DEFAULT 'Claude Code Hub',
    "currency_display" TEXT NOT NULL DEFAULT 'USD',
    "billing_model_source" TEXT NOT NULL DEFAULT 'original',
    "timezone" TEXT NOT NULL DEFAULT 'UTC',
    "verbose_provider_error" BOOLEAN NOT NULL DEFAULT false,
    "pass_through_upstream_error_message" BOOLEAN NOT NULL DEFAULT true,
    "enable_http2" BOOLEAN NOT NULL DEFAULT false,
    "enable_client_version_check" BOOLEAN NOT NULL DEFAULT false,
    "min_client_versions" JSONB NOT NULL DEFAULT '{}',
    "enable_circuit_breaker_on_network_errors" BOOLEAN NOT NULL DEFAULT false,
    "intercept_warmup_requests" BOOLEAN NOT NULL DEFAULT false,
    "max_provider_switches" INTEGER NOT NULL DEFAULT 20,
    "retry_after_cap_ms" INTEGER NOT NULL DEFAULT 10000,
    "default_rpm_limit" INTEGER,
    "default_limit_5h_usd" DECIMAL(16,6),
    "default_limit_daily_usd" DECIMAL(16,6),
    "default_limit_weekly_usd" DECIMAL(16,6),
    "default_limit_monthly_usd" DECIMAL(16,6),
    "default_limit_total_usd" DECIMAL(16,6),
    "default_limit_concurrent_sessions" INTEGER,
    "money_limit_fail_mode" TEXT NOT NULL DEFAULT 'closed',
    "reservation_cap_usd" DECIMAL(16,6) NOT NULL DEFAULT 5,
    "price_sync_url" TEXT NOT NULL DEFAULT 'https://raw.githubusercontent.com/BerriAI/litellm/main/model_prices_and_context_window.json',
    "log_cleanup_enabled" BOOLEAN NOT NULL DEFAULT false,
    "log_retention_days" INTEGER NOT NULL DEFAULT 30,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "system_settings_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "sensitive_words" (
    "id" SERIAL NOT NULL,
    "word" TEXT NOT NULL,
    "match_type" TEXT NOT NULL DEFAULT 'contains',
    "description" TEXT NOT NULL DEFAULT '',
    "is_enabled" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "sensitive_words_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "error_rules" (
    "id" SERIAL NOT NULL,
    "pattern" TEXT NOT NULL,
    "match_type" TEXT NOT NULL DEFAULT 'contains',
    "category" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "retryable" BOOLEAN NOT NULL DEFAULT false,
    "counts_toward_breaker" BOOLEAN NOT NULL DEFAULT false,
    "override_message" TEXT,
    "override_status_code" INTEGER,
    "is_enabled" BOOLEAN NOT NULL DEFAULT true,
    "is_default" BOOLEAN NOT NULL DEFAULT false,
    "priority" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "error_rules_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "request_filters" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "scope" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "target" TEXT NOT NULL,
    "match_pattern" TEXT,
    "value" JSONB,
    "priority" INTEGER NOT NULL DEFAULT 0,
    "is_enabled" BOOLEAN NOT NULL DEFAULT true,
    "binding_type" TEXT NOT NULL DEFAULT 'global',
    "provider_ids" INTEGER[] DEFAULT ARRAY[]::INTEGER[],
    "group_tags" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "request_filters_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "notification_settings" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "enabled" BOOLEAN NOT NULL DEFAULT false,
    "circuit_breaker_enabled" BOOLEAN NOT NULL DEFAULT true,
    "cost_alert_enabled" BOOLEAN NOT NULL DEFAULT false,
    "cost_alert_threshold" DECIMAL(4,3) NOT NULL DEFAULT 0.8,
    "cost_alert_interval_minutes" INTEGER NOT NULL DEFAULT 60,
    "daily_leaderboard_enabled" BOOLEAN NOT NULL DEFAULT false,
    "daily_leaderboard_time" TEXT NOT NULL DEFAULT '09:00',
    "daily_leaderboard_top_n" INTEGER NOT NULL DEFAULT 5,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "notification_settings_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "notification_targets" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "url_encrypted" TEXT NOT NULL,
    "config" JSONB NOT NULL DEFAULT '{}',
    "events" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "is_enabled" BOOLEAN NOT NULL DEFAULT true,
    "last_test_at" TIMESTAMP(3),
    "last_test_ok" BOOLEAN,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "notification_targets_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "request_log" (
    "id" BIGSERIAL NOT NULL,
    "request_id" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL,
    "user_id" INTEGER,
    "key_id" INTEGER,
    "provider_id" INTEGER,
    "endpoint" TEXT NOT NULL,
    "api_format" TEXT NOT NULL,
    "model" TEXT,
    "redirected_model" TEXT,
    "response_model" TEXT,
    "is_stream" BOOLEAN NOT NULL DEFAULT false,
    "input_tokens" INTEGER NOT NULL DEFAULT 0,
    "output_tokens" INTEGER NOT NULL DEFAULT 0,
    "cache_creation_5m_tokens" INTEGER NOT NULL DEFAULT 0,
    "cache_creation_1h_tokens" INTEGER NOT NULL DEFAULT 0,
    "cache_read_tokens" INTEGER NOT NULL DEFAULT 0,
    "cost_usd" DECIMAL(20,9),
    "cost_breakdown" JSONB,
    "price_missing" BOOLEAN NOT NULL DEFAULT false,
    "ttfb_ms" INTEGER,
    "duration_ms" INTEGER,
    "status_code" INTEGER NOT NULL,
    "error_type" TEXT,
    "error_message" TEXT,
    "blocked_by" TEXT,
    "session_id" TEXT,
    "decision_chain" JSONB,
    "retry_count" INTEGER NOT NULL DEFAULT 0,
    "client_ip" TEXT,
    "user_agent" TEXT,

    CONSTRAINT "request_log_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "usage_ledger" (
    "id" BIGSERIAL NOT NULL,
    "request_id" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL,
    "user_id" INTEGER NOT NULL,
    "key_id" INTEGER NOT NULL,
    "provider_id" INTEGER,
    "model" TEXT,
    "billed_model" TEXT,
    "api_format" TEXT NOT NULL,
    "input_tokens" INTEGER NOT NULL DEFAULT 0,
    "output_tokens" INTEGER NOT NULL DEFAULT 0,
    "cache_creation_5m_tokens" INTEGER NOT NULL DEFAULT 0,
    "cache_creation_1h_tokens" INTEGER NOT NULL DEFAULT 0,
    "cache_read_tokens" INTEGER NOT NULL DEFAULT 0,
    "cost_usd" DECIMAL(20,9) NOT NULL DEFAULT 0,
    "status_code" INTEGER NOT NULL,

    CONSTRAINT "usage_ledger_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audit_log" (
    "id" BIGSERIAL NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actor_type" TEXT NOT NULL,
    "actor_user_id" INTEGER,
    "actor_key_id" INTEGER,
    "actor_ip" TEXT,
    "action" TEXT NOT NULL,
    "target_type" TEXT,
    "target_id" TEXT,
    "before" JSONB,
    "after" JSONB,
    "success" BOOLEAN NOT NULL DEFAULT true,
    "error" TEXT,

    CONSTRAINT "audit_log_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "users_name_key" ON "users"("name");

-- CreateIndex
CREATE UNIQUE INDEX "api_keys_key_hash_key" ON "api_keys"("key_hash");

-- CreateIndex
CREATE INDEX "api_keys_user_id_idx" ON "api_keys"("user_id");

-- CreateIndex
CREATE UNIQUE INDEX "providers_name_key" ON "providers"("name");

-- CreateIndex
CREATE UNIQUE INDEX "provider_groups_name_key" ON "provider_groups"("name");

-- CreateIndex
CREATE UNIQUE INDEX "model_prices_model_name_key" ON "model_prices"("model_name");

-- CreateIndex
CREATE UNIQUE INDEX "request_log_request_id_key" ON "request_log"("request_id");

-- CreateIndex
CREATE INDEX "request_log_created_at_idx" ON "request_log"("created_at" DESC);

-- CreateIndex
CREATE INDEX "request_log_user_id_created_at_idx" ON "request_log"("user_id", "created_at" DESC);

-- CreateIndex
CREATE INDEX "request_log_key_id_created_at_idx" ON "request_log"("key_id", "created_at" DESC);

-- CreateIndex
CREATE INDEX "request_log_provider_id_created_at_idx" ON "request_log"("provider_id", "created_at" DESC);

-- CreateIndex
CREATE INDEX "request_log_model_created_at_idx" ON "request_log"("model", "created_at" DESC);

-- CreateIndex
CREATE INDEX "request_log_status_code_created_at_idx" ON "request_log"("status_code", "created_at" DESC);

-- CreateIndex
CREATE INDEX "request_log_session_id_idx" ON "request_log"("session_id");

-- CreateIndex
CREATE UNIQUE INDEX "usage_ledger_request_id_key" ON "usage_ledger"("request_id");

-- CreateIndex
CREATE INDEX "usage_ledger_created_at_idx" ON "usage_ledger"("created_at");

-- CreateIndex
CREATE INDEX "usage_ledger_key_id_created_at_idx" ON "usage_ledger"("key_id", "created_at");

-- CreateIndex
CREATE INDEX "usage_ledger_user_id_created_at_idx" ON "usage_ledger"("user_id", "created_at");

-- CreateIndex
CREATE INDEX "usage_ledger_provider_id_created_at_idx" ON "usage_ledger"("provider_id", "created_at");

-- CreateIndex
CREATE INDEX "audit_log_created_at_idx" ON "audit_log"("created_at" DESC);

-- AddForeignKey
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- The usage ledger is append-only: quotas and statistics must never change behind their back.
CREATE FUNCTION usage_ledger_reject_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'usage_ledger is append-only (% refused)', TG_OP;
END;
$$;
CREATE TRIGGER usage_ledger_append_only
  BEFORE UPDATE OR DELETE ON "usage_ledger"
  FOR EACH ROW EXECUTE FUNCTION usage_ledger_reject_change();

-- The single settings rows exist from the start.
INSERT INTO "system_settings" ("id", "updated_at") VALUES (1, CURRENT_TIMESTAMP);
INSERT INTO "notification_settings" ("id", "updated_at") VALUES (1, CURRENT_TIMESTAMP);
