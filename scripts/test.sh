#!/bin/sh
# The whole test suite: typecheck, lint, unit + integration + SDK end-to-end tests (Vitest,
# against the machine's PostgreSQL and Redis) after the production build they partly check.
# Needs PostgreSQL on 127.0.0.1:5432 and Redis on 127.0.0.1:6379 (TEST_DATABASE_URL and
# TEST_REDIS_URL override them).
set -eu
echo "== typecheck"; npm run --silent typecheck
echo "== lint"; npm run --silent lint
echo "== build"; npm run --silent build
echo "== vitest"; npx vitest run
