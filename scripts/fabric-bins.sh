#!/usr/bin/env bash
# Prints the folder that holds the Fabric binaries, building them first when
# they are missing. With FABRIC_BIN set (for example to the bin/ folder of an
# official Fabric release, with its config/ beside it) that folder is used.
#
# The binaries are built from the pinned modules in network/toolchain/ into
# a cache outside the clone (${XDG_CACHE_HOME:-~/.cache}/carechain), keyed by
# the pins and the Go version, so every clone on the machine shares one build
# and a build happens again only when a pin changes.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

if [ -n "${FABRIC_BIN:-}" ]; then
  echo "$FABRIC_BIN"
  exit 0
fi

key=$( (cat "$root"/network/toolchain/fabric/go.{mod,sum} "$root"/network/toolchain/ca/go.{mod,sum}; go env GOVERSION) | sha256sum | cut -c1-16)
cache=${CARECHAIN_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/carechain}
dir=$cache/fabric-$key
tools="peer orderer configtxgen configtxlator osnadmin cryptogen fabric-ca-server fabric-ca-client"

complete() {
  for t in $tools; do [ -x "$dir/bin/$t" ] || return 1; done
  [ -f "$dir/config/core.yaml" ] && [ -f "$dir/config/orderer.yaml" ]
}

if complete; then
  echo "$dir/bin"
  exit 0
fi

mkdir -p "$cache"
exec 9>"$cache/build.lock"
flock 9
if complete; then
  echo "$dir/bin"
  exit 0
fi

tmp=$(mktemp -d "$cache/build.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
start=$SECONDS
echo "▶ building Fabric peer, orderer, configtxgen, configtxlator, osnadmin, cryptogen (about 80 s on 2 cores)" >&2
(cd "$root/network/toolchain/fabric" && GOBIN="$tmp/bin" go install -trimpath tool) >&2
echo "▶ building fabric-ca-server, fabric-ca-client (about 65 s)" >&2
(cd "$root/network/toolchain/ca" && GOBIN="$tmp/bin" go install -trimpath tool) >&2
fabric_src=$(cd "$root/network/toolchain/fabric" && go list -m -f '{{.Dir}}' github.com/hyperledger/fabric)
mkdir -p "$tmp/config"
cp "$fabric_src"/sampleconfig/{core.yaml,orderer.yaml,configtx.yaml} "$tmp/config/"
chmod -R u+w "$tmp/config"
rm -rf "$dir"
mkdir -p "$dir"
mv "$tmp/bin" "$tmp/config" "$dir/"
echo "✓ Fabric binaries in $dir/bin ($((SECONDS - start))s)" >&2
echo "$dir/bin"
