#!/usr/bin/env bash
# Prints the folder holding the Pulumi language hosts the native plugin's end-to-end tests and
# the SDK checks use: `pulumi-language-yaml` and `pulumi-language-go`. Builds them from the Go
# module proxy into a cache folder next to the CLI's (scripts/pulumi-cli.sh) and reuses them on
# later runs. Never downloads a prebuilt binary.
#
#   pulumi-language-yaml  github.com/pulumi/pulumi-yaml v1.25.0, cmd/pulumi-language-yaml (about 3 minutes)
#   pulumi-language-go    github.com/pulumi/pulumi/sdk/v3 v3.62.0, go/pulumi-language-go: the
#                         newest sdk/v3 the proxy serves that still holds the Go host (v3.67.0 and
#                         later do not, and the host's own newer module is refused)
#
# Usage: scripts/language-hosts.sh [yaml] [go]   -> prints the bin folder on stdout (progress on stderr);
#        with no argument both are built.
# Env:   PULUMI_CLI_CACHE  cache root (default ${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-atlas-stream-processor)
set -euo pipefail

YAML_MODULE="github.com/pulumi/pulumi-yaml"
YAML_VERSION="v1.25.0"
GO_HOST_MODULE="github.com/pulumi/pulumi/sdk/v3"
GO_HOST_VERSION="v3.62.0"

log() { printf '[language-hosts] %s\n' "$*" >&2; }
die() { printf '[language-hosts] error: %s\n' "$*" >&2; exit 1; }

cache_root="${PULUMI_CLI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-atlas-stream-processor}"
bin="$cache_root/language-hosts/bin"
mkdir -p "$bin"

hosts=("$@")
[ "${#hosts[@]}" -gt 0 ] || hosts=(yaml go)

# build NAME MODULE VERSION PACKAGE: one throwaway Go module requiring MODULE@VERSION, `go build` of
# PACKAGE, then a rename into $bin (two runs at once never see a half-written binary). The stamp
# beside the binary records what it was built from, so a version bump here rebuilds it.
build() {
  local name="$1" module="$2" version="$3" pkg="$4"
  local stamp="$bin/.$name.version" want="$module@$version"
  if [ -x "$bin/$name" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
    log "using cached $bin/$name ($want)"
    return
  fi
  command -v go >/dev/null 2>&1 || die "'go' is not on PATH: install Go 1.22+ so this script can build $name from the Go module proxy."
  local work
  work="$(mktemp -d "$cache_root/.build-$name.XXXXXX")"
  log "building $name from $want (a few minutes on an empty Go build cache)"
  cat >"$work/go.mod" <<GOMOD
module local/$name

go 1.24

require $module $version
GOMOD
  cat >"$work/tools.go" <<GO
//go:build tools

package tools

import _ "$pkg"
GO
  if ! (cd "$work" && GOFLAGS=-mod=mod go mod tidy >&2 && go build -o "$work/$name" "$pkg" >&2); then
    rm -rf "$work"
    die "building $name failed (see the Go output above)"
  fi
  mv -f "$work/$name" "$bin/$name"
  printf '%s' "$want" >"$stamp"
  rm -rf "$work"
  log "built $bin/$name"
}

for h in "${hosts[@]}"; do
  case "$h" in
    yaml) build pulumi-language-yaml "$YAML_MODULE" "$YAML_VERSION" "$YAML_MODULE/cmd/pulumi-language-yaml" ;;
    go) build pulumi-language-go "$GO_HOST_MODULE" "$GO_HOST_VERSION" "$GO_HOST_MODULE/go/pulumi-language-go" ;;
    *) die "unknown language host '$h': use yaml and/or go" ;;
  esac
done
printf '%s\n' "$bin"
