#!/bin/sh
# Rebuilds parley/report/vendor/plotly-parley-$VERSION.min.js: plotly.js with only the trace types briefings draw
# (scatter, which plotly.js's core always holds, bar and heatmap), the way plotly.js's CUSTOM_BUNDLE.md builds
# partial bundles: its lib/core plus lib/<trace> modules, bundled and minified by esbuild. Needs node and npm
# (the npm registry); run it when parley draws a new trace type (parley.pipeline.render.PLOTLY_TRACES) or
# moves to a new plotly.js, then commit the file it writes.
set -eu
VERSION=4.1.1      # plotly.js, as the bundle it replaced
ESBUILD=0.28.2     # the esbuild plotly.js 4.1.1 builds its own bundles with (^0.28.1)
TRACES="bar heatmap"
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT="$ROOT/parley/report/vendor/plotly-parley-$VERSION.min.js"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
npm init -y >/dev/null
npm install --silent --no-audit --no-fund --ignore-scripts "plotly.js@$VERSION" "esbuild@$ESBUILD" >/dev/null 2>&1
{
  echo "var Plotly = require('plotly.js/lib/core');"
  echo "Plotly.register(["
  for trace in $TRACES; do echo "  require('plotly.js/lib/$trace'),"; done
  echo "]);"
  echo "module.exports = Plotly;"
} > entry.js
node_modules/.bin/esbuild entry.js --bundle --minify --format=iife --global-name=Plotly --target=es2016 \
  --define:global=window --define:define.amd=false --define:process.env.NODE_DEBUG=false \
  --external:maplibre-gl --legal-comments=none --log-level=warning \
  --banner:js="/* plotly.js v$VERSION, partial bundle for parley (traces: scatter $TRACES). Copyright 2012-2026, Plotly, Inc. Licensed under the MIT license (LICENSE.plotly.js). */" \
  --outfile="$OUT"
ls -l "$OUT"
