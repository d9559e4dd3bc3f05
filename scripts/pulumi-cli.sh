#!/usr/bin/env bash
# Prints the folder holding a usable `pulumi` CLI (and the Node.js language host and the
# dynamic-provider plugin next to it). Uses `pulumi` from PATH when present; otherwise builds
# pinned versions from the Go module proxy into a cache folder outside the repository and
# reuses it on later runs. Never downloads a prebuilt binary: no Pulumi CLI binary can be had
# here: the npm package `pulumi` downloads it at first use, which fails without internet access.
#
# Usage: scripts/pulumi-cli.sh            -> prints the bin folder on stdout (progress on stderr)
# Env:   PULUMI_CLI_CACHE  cache root (default ${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-atlas-stream-processor)
#        PULUMI_CLI_FORCE_BUILD=1  ignore a `pulumi` on PATH
set -euo pipefail

CLI_VERSION="v3.248.0"          # pairs with @pulumi/pulumi 3.248.x, the newest for Node 20
LANGHOST_SDK_VERSION="v3.68.0"  # last sdk/v3 release that still holds pulumi-language-nodejs as a package
CLIPBOARD_REPLACE="github.com/tgummerer/clipboard v0.0.0-20241001131231-d02d263e614e"

log() { printf '[pulumi-cli] %s\n' "$*" >&2; }
die() { printf '[pulumi-cli] error: %s\n' "$*" >&2; exit 1; }

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# The dynamic-provider plugin is a shell script shipped inside the @pulumi/pulumi npm package.
plugin_src="$here/node_modules/@pulumi/pulumi/pulumi-resource-pulumi-nodejs"

if [ "${PULUMI_CLI_FORCE_BUILD:-}" != "1" ] && command -v pulumi >/dev/null 2>&1; then
  bin="$(dirname "$(command -v pulumi)")"
  log "using pulumi from PATH: $bin/pulumi ($(pulumi version 2>/dev/null || echo 'unknown version'))"
  printf '%s\n' "$bin"
  exit 0
fi

cache_root="${PULUMI_CLI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-atlas-stream-processor}"
dest="$cache_root/pulumi-$CLI_VERSION"
bin="$dest/bin"

if [ -x "$bin/pulumi" ] && [ -x "$bin/pulumi-language-nodejs" ] && [ -x "$bin/pulumi-resource-pulumi-nodejs" ]; then
  log "using cached CLI $bin/pulumi"
  printf '%s\n' "$bin"
  exit 0
fi

command -v go >/dev/null 2>&1 || die "neither 'pulumi' nor 'go' is on PATH. Install the Pulumi CLI ($CLI_VERSION) or Go 1.22+ so this script can build it from the Go module proxy."
[ -f "$plugin_src" ] || die "missing $plugin_src: run 'npm ci' first (the plugin ships with @pulumi/pulumi)."

mkdir -p "$cache_root"
# Build into a private temporary folder, then rename: two runs at once never see a half-built bin/.
work="$(mktemp -d "$cache_root/.build.XXXXXX")"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/bin" "$work/cli" "$work/langhost"

log "building Pulumi CLI $CLI_VERSION from the Go module proxy (about 6 minutes on an empty Go build cache)"
cat >"$work/cli/go.mod" <<GOMOD
module local/pulumi-cli

go 1.24

require (
	github.com/pulumi/pulumi/pkg/v3 $CLI_VERSION
	github.com/pulumi/pulumi/sdk/v3 $CLI_VERSION
)

replace github.com/atotto/clipboard => $CLIPBOARD_REPLACE
GOMOD
cat >"$work/cli/tools.go" <<'GO'
//go:build tools

package tools

import _ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
GO
(cd "$work/cli" && GOFLAGS=-mod=mod go mod tidy >&2 && \
  go build -tags osusergo,grpcnotrace \
    -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$CLI_VERSION" \
    -o "$work/bin/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi >&2) \
  || die "building the Pulumi CLI failed (see the Go output above)"

log "building the Node.js language host from sdk/v3 $LANGHOST_SDK_VERSION"
cat >"$work/langhost/go.mod" <<GOMOD
module local/pulumi-langhost

go 1.24

require github.com/pulumi/pulumi/sdk/v3 $LANGHOST_SDK_VERSION
GOMOD
cat >"$work/langhost/tools.go" <<'GO'
//go:build tools

package tools

import _ "github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs"
GO
(cd "$work/langhost" && GOFLAGS=-mod=mod go mod tidy >&2 && \
  go build -o "$work/bin/pulumi-language-nodejs" github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs >&2) \
  || die "building pulumi-language-nodejs failed (see the Go output above)"

cp "$plugin_src" "$work/bin/pulumi-resource-pulumi-nodejs"
chmod +x "$work/bin/"*

"$work/bin/pulumi" version >/dev/null || die "the built CLI does not run"

mkdir -p "$dest"
if mv -T "$work/bin" "$bin" 2>/dev/null; then
  log "built $bin/pulumi ($("$bin/pulumi" version))"
elif [ -x "$bin/pulumi" ]; then
  log "another run finished first; using $bin/pulumi"
else
  die "could not move the build into $bin"
fi
printf '%s\n' "$bin"
