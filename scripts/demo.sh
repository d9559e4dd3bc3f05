#!/usr/bin/env bash
# npm run demo: build, then run scripts/demo.ts (emulator + real `pulumi up` of the quickstart).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm ci --no-audit --no-fund
# Get (or build, once) the Pulumi CLI first, so its progress is visible and a failure is clear.
bash scripts/pulumi-cli.sh >/dev/null
npm run --silent build
exec node --import tsx scripts/demo.ts "$@"
