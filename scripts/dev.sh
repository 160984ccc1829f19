#!/bin/sh
# Development: rebuild the dashboard on change (remix watch) and run the server with tsx.
set -eu
npx remix build
npx remix watch &
WATCH=$!
trap 'kill $WATCH 2>/dev/null' EXIT INT TERM
node --import tsx --watch server/index.ts
