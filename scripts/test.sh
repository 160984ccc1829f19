#!/bin/sh
# The whole test suite: typecheck, lint, the production build, unit + integration + SDK
# end-to-end tests (Vitest, against the machine's PostgreSQL and Redis), and the browser
# journeys (Playwright, in Debian's Chromium at /usr/bin/chromium).
# Needs PostgreSQL on 127.0.0.1:5432 and Redis on 127.0.0.1:6379 (TEST_DATABASE_URL and
# TEST_REDIS_URL override them) and Chromium (apt-get install chromium; .ci/run installs it).
set -eu
echo "== typecheck"; npm run --silent typecheck
echo "== lint"; npm run --silent lint
echo "== build"; npm run --silent build
echo "== vitest"; npx vitest run
if [ ! -x /usr/bin/chromium ]; then
  echo "Chromium is missing: apt-get install -y chromium (the browser journeys need it)" >&2
  exit 1
fi
echo "== playwright"; npx playwright test
