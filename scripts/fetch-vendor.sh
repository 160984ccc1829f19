#!/bin/sh
# Fetches Scalar's standalone API-reference bundle from the npm registry into public/vendor
# (3 MB, so it is not committed). Offline or failing: the hub still works; /api/actions/scalar
# then says so and Swagger UI (/api/actions/docs) remains.
set -eu
VERSION=1.40.0
TARGET=public/vendor/scalar-standalone.js
[ -f "$TARGET" ] && exit 0
mkdir -p public/vendor .cache/vendor
if ( cd .cache/vendor && npm pack "@scalar/api-reference@$VERSION" --silent >/dev/null 2>&1 ); then
  tar -xzf ".cache/vendor/scalar-api-reference-$VERSION.tgz" -C .cache/vendor package/dist/browser/standalone.js
  cp .cache/vendor/package/dist/browser/standalone.js "$TARGET"
  echo "fetched Scalar $VERSION"
else
  echo "warning: could not fetch @scalar/api-reference@$VERSION; /api/actions/scalar will be unavailable" >&2
fi
