-- Scheduled jobs (decision 0019): when the price sync and the log cleanup run each day (HH:MM
-- in the system time zone), and each job's last run, its result and its next run.
ALTER TABLE "system_settings" ADD COLUMN "price_sync_scheduled" BOOLEAN NOT NULL DEFAULT true;
ALTER TABLE "system_settings" ADD COLUMN "price_sync_time" TEXT NOT NULL DEFAULT '03:00';
ALTER TABLE "system_settings" ADD COLUMN "log_cleanup_time" TEXT NOT NULL DEFAULT '04:00';

CREATE TABLE "job_runs" (
    "name" TEXT NOT NULL,
    "last_started_at" TIMESTAMP(3),
    "last_finished_at" TIMESTAMP(3),
    "last_status" TEXT,
    "last_message" TEXT,
    "next_run_at" TIMESTAMP(3),
    "updated_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "job_runs_pkey" PRIMARY KEY ("name")
);
