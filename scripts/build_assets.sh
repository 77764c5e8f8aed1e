#!/usr/bin/env bash
# Build the front-end into static/build/ (gitignored): install govuk-frontend and sass from npm (locked),
# compile frontend/talentpool.scss, copy GOV.UK Frontend's JavaScript, images and manifest.
# Idempotent, needs no input; run it from anywhere (it works from the repository root).
set -euo pipefail
cd "$(dirname "$0")/.."

npm_flags=(--no-audit --no-fund --loglevel=error)
if [ -f package-lock.json ]; then
  npm ci "${npm_flags[@]}" >/dev/null
else
  npm install "${npm_flags[@]}" >/dev/null
fi

govuk=node_modules/govuk-frontend/dist/govuk
out=static/build
mkdir -p "$out/govuk"

node_modules/.bin/sass --no-source-map --style=compressed --quiet-deps --load-path=node_modules \
  frontend/talentpool.scss "$out/talentpool.css"

cp "$govuk/govuk-frontend.min.js" "$out/govuk/govuk-frontend.min.js"

# Images and manifest only: the GDS Transport fonts are not used (see frontend/talentpool.scss).
rm -rf "$out/govuk/assets"
mkdir -p "$out/govuk/assets"
cp -R "$govuk/assets/images" "$out/govuk/assets/images"
cp "$govuk/assets/manifest.json" "$out/govuk/assets/manifest.json"

echo "Built $out/talentpool.css ($(wc -c <"$out/talentpool.css") bytes); copied GOV.UK Frontend's JavaScript, images and manifest to $out/govuk/."
