#!/usr/bin/env bash
# Builds the atlasstreams provider plugin's tarball:
#   dist/plugin/pulumi-resource-atlasstreams-v<version>-linux-amd64.tar.gz
# holding the executable (provider/plugin/bin/pulumi-resource-atlasstreams, a shell script), the
# esbuild bundle of provider/plugin/main.ts it runs (every dependency inside: no node_modules
# needed, nothing downloaded at run time) and schema.json. Install it with
#   pulumi plugin install resource atlasstreams <version> --file <tarball>
# The unpacked folder dist/plugin/pulumi-resource-atlasstreams-v<version>/ may be put on PATH instead.
# Prints the tarball's path on stdout (progress on stderr).
set -euo pipefail
cd "$(dirname "$0")/.."
version="$(node -p 'require("./package.json").version')"
out="dist/plugin"
stage="$out/pulumi-resource-atlasstreams-v$version"
tarball="$out/pulumi-resource-atlasstreams-v$version-linux-amd64.tar.gz"

# A stale schema.json would describe another provider than the one bundled.
npx tsx scripts/schema.ts --check >&2

rm -rf "$stage" "$tarball"
mkdir -p "$stage"
# Everything is bundled, typescript and npm's arborist included: @pulumi/pulumi's closure
# serialization loads them at start-up though a provider never serializes a function, and
# leaving them out would make the plugin depend on a node_modules it cannot count on.
# npm's run-script resolves node-gyp only when it runs a script, which the plugin never does.
npx esbuild provider/plugin/main.ts --bundle --platform=node --target=node20 --log-level=warning \
  --minify --keep-names --log-override:require-resolve-not-external=silent \
  --outfile="$stage/pulumi-resource-atlasstreams.js" >&2
cp provider/plugin/bin/pulumi-resource-atlasstreams provider/plugin/schema.json "$stage/"
chmod 755 "$stage/pulumi-resource-atlasstreams"
# Reproducible: the same sources give the same bytes.
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$stage" -cf - . | gzip -n >"$tarball"
echo "[plugin-tarball] built $tarball ($(du -h "$tarball" | cut -f1))" >&2
printf '%s\n' "$(pwd)/$tarball"
