-- Format conversion (issue 8): a provider may serve requests of other wire formats; the request
-- log records the conversion of the final attempt. Existing providers keep serving only their
-- own format (turning conversion on would change where their groups' requests go); the admin
-- API turns it on by default for new openai-compatible providers (decision 0020).
ALTER TABLE "providers" ADD COLUMN "allow_format_conversion" BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE "request_log" ADD COLUMN "conversion" TEXT;
