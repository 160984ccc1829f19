#!/bin/sh
# One command from a fresh clone to a running hub with embedded defaults (PGlite under ./data,
# in-process store): installs dependencies and builds when needed, then starts.
set -eu
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm ci --no-audit --no-fund
# Build when there is no build, or when a source file changed since the last one (after a pull).
if [ ! -f dist/server.js ] || [ ! -f build/index.js ] || [ -n "$(find server app prisma package-lock.json -newer dist/server.js -type f 2>/dev/null | head -n 1)" ]; then
  npm run build
fi
exec npm start
