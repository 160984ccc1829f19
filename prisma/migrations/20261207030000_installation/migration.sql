-- The identity of this database, created by the hub the first time it starts on it (not here:
-- a database cloned from a template or a migrated copy must not inherit another one's id).
-- The request-log spool on disk is kept per installation id, so rows spooled for one database
-- are never replayed into another (see docs/decisions/0011-log-writer-faults.md).
CREATE TABLE "installation" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "installation_id" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "installation_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "installation_single_row" CHECK ("id" = 1)
);
