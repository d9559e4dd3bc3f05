#!/usr/bin/env bash
# npm run bench [-- N ... --parallel P --auth serviceAccount|apiKey]: build, then bench/pulumi-up.ts.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm ci --no-audit --no-fund
bash scripts/pulumi-cli.sh >/dev/null
npm run --silent build
exec node --import tsx bench/pulumi-up.ts "$@"
