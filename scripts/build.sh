#!/bin/sh
# Production build: Prisma client, the Remix dashboard (build/, public/build/), the server
# bundle (dist/server.js) and the vendored Scalar bundle.
set -eu
npx prisma generate >/dev/null
npx remix build
node scripts/build-server.mjs
sh scripts/fetch-vendor.sh
