-- Codex instructions strategy per provider (manual §5.3): auto | official | custom.
ALTER TABLE "providers" ADD COLUMN "codex_instructions_strategy" TEXT NOT NULL DEFAULT 'auto';
ALTER TABLE "providers" ADD COLUMN "codex_instructions" TEXT;
ALTER TABLE "providers" ADD CONSTRAINT "providers_codex_instructions_strategy_check" CHECK ("codex_instructions_strategy" IN ('auto', 'official', 'custom'));
