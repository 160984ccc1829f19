-- A user's allowed models become rules like a provider's ({ "match": "exact|prefix|suffix|contains|regex",
-- "pattern": "..." }). Every existing name becomes an exact rule, so nothing a user could use changes.
ALTER TABLE "users" ADD COLUMN "allowed_model_rules" JSONB NOT NULL DEFAULT '[]';
UPDATE "users" SET "allowed_model_rules" = (
  SELECT COALESCE(jsonb_agg(jsonb_build_object('match', 'exact', 'pattern', m)), '[]'::jsonb) FROM unnest("allowed_models") AS m
);
ALTER TABLE "users" DROP COLUMN "allowed_models";
ALTER TABLE "users" RENAME COLUMN "allowed_model_rules" TO "allowed_models";
