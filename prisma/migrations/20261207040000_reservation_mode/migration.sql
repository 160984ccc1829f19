-- How admission reserves money for a request in flight: "expected" (its likely cost) or
-- "strict" (an upper bound; a window is never overspent by more than one request).
ALTER TABLE "system_settings" ADD COLUMN "reservation_mode" TEXT NOT NULL DEFAULT 'expected';
