#!/bin/sh
# The whole test suite: typecheck, lint, unit + integration + SDK end-to-end tests (Vitest,
# against the machine's PostgreSQL and Redis), then the production build.
# Needs PostgreSQL on 127.0.0.1:5432 and Redis on 127.0.0.1:6379 (TEST_DATABASE_URL and
# TEST_REDIS_URL override them).
set -eu
echo "== typecheck"; npm run --silent typecheck
echo "== lint"; npm run --silent lint
echo "== vitest"; npx vitest run
echo "== build"; npm run --silent build
