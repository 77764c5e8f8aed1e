#!/usr/bin/env bash
# Build the front-end: install govuk-frontend and sass from npm (locked), compile our Sass, copy the
# GOV.UK JavaScript and images into static/build/. Idempotent; needs no input.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -f package-lock.json ]; then npm ci --no-audit --no-fund --loglevel=error; else npm install --no-audit --no-fund --loglevel=error; fi
out=static/build
mkdir -p "$out/govuk/assets"
node_modules/.bin/sass --no-source-map --style=compressed --quiet-deps --load-path=node_modules \
  frontend/talentpool.scss "$out/talentpool.css"
cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js "$out/govuk/govuk-frontend.min.js"
rm -rf "$out/govuk/assets/images"
cp -R node_modules/govuk-frontend/dist/govuk/assets/images "$out/govuk/assets/images"
echo "Built $out/talentpool.css ($(wc -c <"$out/talentpool.css") bytes) and copied GOV.UK Frontend's JavaScript and images."
