#!/bin/sh
# One command from a fresh clone to a running hub with embedded defaults (PGlite under ./data,
# in-process store): installs dependencies and builds when needed, then starts.
set -eu
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm ci --no-audit --no-fund
if [ ! -f dist/server.js ] || [ ! -f build/index.js ]; then npm run build; fi
exec npm start
