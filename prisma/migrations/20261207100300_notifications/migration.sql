-- Notifications (decision 0022): targets (config sealed with ENCRYPTION_KEY), their delivery
-- log, the settings row, and the database fallback of the send locks. The placeholder tables of
-- the first migration were never read or written by any code; they are replaced.
DROP TABLE "notification_targets";
DROP TABLE "notification_settings";

CREATE TABLE "notification_targets" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "is_enabled" BOOLEAN NOT NULL DEFAULT true,
    "events" TEXT[],
    "config" TEXT NOT NULL,
    "last_status" TEXT,
    "last_error" TEXT,
    "last_attempt_at" TIMESTAMP(3),
    "consecutive_failures" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "notification_targets_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "notification_deliveries" (
    "id" BIGSERIAL NOT NULL,
    "target_id" INTEGER NOT NULL,
    "event" TEXT NOT NULL,
    "event_key" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "http_status" INTEGER,
    "error" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMP(3),

    CONSTRAINT "notification_deliveries_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "notification_settings" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "quota_alert_percent" INTEGER NOT NULL DEFAULT 80,
    "leaderboard_time" TEXT NOT NULL DEFAULT '09:00',
    "leaderboard_top_n" INTEGER NOT NULL DEFAULT 5,
    "cooldown_minutes" INTEGER NOT NULL DEFAULT 10,
    "max_per_hour" INTEGER NOT NULL DEFAULT 30,
    "language" TEXT NOT NULL DEFAULT 'en',
    "updated_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "notification_settings_pkey" PRIMARY KEY ("id")
);
INSERT INTO "notification_settings" ("id") VALUES (1);

CREATE TABLE "notification_locks" (
    "name" TEXT NOT NULL,
    "expires_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "notification_locks_pkey" PRIMARY KEY ("name")
);

CREATE INDEX "notification_deliveries_target_id_created_at_idx" ON "notification_deliveries"("target_id", "created_at" DESC);
CREATE INDEX "notification_deliveries_created_at_idx" ON "notification_deliveries"("created_at");

ALTER TABLE "notification_deliveries" ADD CONSTRAINT "notification_deliveries_target_id_fkey" FOREIGN KEY ("target_id") REFERENCES "notification_targets"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- The audit page filters by action or entity over a time range, newest first.
CREATE INDEX "audit_log_action_created_at_idx" ON "audit_log"("action", "created_at" DESC);
CREATE INDEX "audit_log_target_type_created_at_idx" ON "audit_log"("target_type", "created_at" DESC);
