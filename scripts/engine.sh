#!/usr/bin/env bash
# Finds or builds the Pulumi engine (CLI, Node.js language host, dynamic-provider launcher) and
# prints the directory to put on PATH. Everything else it says goes to stderr.
#
#   1. PULUMI_PHONE_NUMBERS_ENGINE_DIR, if set, is used as it is.
#   2. A `pulumi` on PATH at MIN_VERSION or newer is used (drift exit code 7 arrived in 3.227.0).
#   3. Otherwise the pinned VERSION is built from the Go module proxy into a cache outside the
#      repository and reused by every later run: ${XDG_CACHE_HOME:-~/.cache}/pulumi-phone-numbers/
#      engine/<version>/bin. The build goes to a temporary directory first and is moved into place
#      only when `pulumi version` answers, so an interrupted build never leaves a half-built cache.
#      The Go toolchain's output goes to build.log in the build directory; on failure its tail is
#      printed and the whole log is kept as <cache>/last-failed-build.log.
set -euo pipefail

VERSION="3.259.0"          # the CLI; keep equal to the pinned @pulumi/pulumi in package.json
LANGHOST_SDK="3.68.0"      # newest sdk/v3 module that still contains nodejs/cmd/pulumi-language-nodejs
MIN_VERSION="3.227.0"

say() { printf '[engine] %s\n' "$*" >&2; }
die() { printf '[engine] error: %s\n' "$*" >&2; exit 1; }

if [ -n "${PULUMI_PHONE_NUMBERS_ENGINE_DIR:-}" ]; then
  [ -x "$PULUMI_PHONE_NUMBERS_ENGINE_DIR/pulumi" ] || die "PULUMI_PHONE_NUMBERS_ENGINE_DIR has no executable pulumi"
  printf '%s\n' "$PULUMI_PHONE_NUMBERS_ENGINE_DIR"
  exit 0
fi

version_ge() { # version_ge A B: A >= B for dotted versions
  [ "$(printf '%s\n%s\n' "$1" "$2" | sort -V | head -n1)" = "$2" ]
}

cache_root="${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-phone-numbers/engine"
bin_dir="$cache_root/$VERSION/bin"

if [ -x "$bin_dir/pulumi" ] && "$bin_dir/pulumi" version >/dev/null 2>&1; then
  printf '%s\n' "$bin_dir"
  exit 0
fi

if existing=$(command -v pulumi 2>/dev/null); then
  have=$(PULUMI_SKIP_UPDATE_CHECK=true pulumi version 2>/dev/null | sed 's/^v//; s/[-+].*//')
  if [ -n "$have" ] && version_ge "$have" "$MIN_VERSION"; then
    printf '%s\n' "$(dirname "$existing")"
    exit 0
  fi
  say "pulumi $have on PATH is older than $MIN_VERSION; building $VERSION instead"
fi

command -v go >/dev/null 2>&1 || die "no Pulumi CLI >= $MIN_VERSION on PATH and no Go toolchain to build one.
Install the Pulumi CLI (https://www.pulumi.com/docs/install/), or install Go 1.24+ and run this again."

mkdir -p "$cache_root"
# One build at a time per machine: parallel test workers or a second terminal wait for the first.
exec 9>"$cache_root/.lock"
if command -v flock >/dev/null 2>&1; then flock 9; fi
if [ -x "$bin_dir/pulumi" ] && "$bin_dir/pulumi" version >/dev/null 2>&1; then
  printf '%s\n' "$bin_dir"
  exit 0
fi

started=$(date +%s)
elapsed() { echo "$(( $(date +%s) - started ))s"; }
work=$(mktemp -d "$cache_root/.build.XXXXXX")
log="$work/build.log"
: >"$log"
finish() {
  local rc=$?
  if [ "$rc" -ne 0 ] && [ -s "$log" ]; then
    cp "$log" "$cache_root/last-failed-build.log" 2>/dev/null || true
    say "build failed after $(elapsed); last lines of the Go toolchain's output:"
    tail -n 40 "$log" | sed 's/^/[engine]   /' >&2
    say "full log: $cache_root/last-failed-build.log"
  fi
  chmod -R u+w "$work" 2>/dev/null
  rm -rf "$work"
  exit "$rc"
}
trap finish EXIT

module_dir() { # module_dir PATH@VERSION: download through the module proxy, print its directory
  local json
  json=$(go mod download -json "$1" 2>>"$log") || { printf '%s\n' "$json" >>"$log"; return 1; }
  printf '%s\n' "$json" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p'
}

say "building Pulumi $VERSION from the Go module proxy into $bin_dir (first time only, about 4 minutes on 2 cores)"
say "downloading pkg/v3 and sdk/v3 @ v$VERSION"
pkg_src=$(module_dir "github.com/pulumi/pulumi/pkg/v3@v$VERSION")
sdk_src=$(module_dir "github.com/pulumi/pulumi/sdk/v3@v$VERSION")
[ -n "$pkg_src" ] && [ -n "$sdk_src" ] || die "go mod download did not report module directories"
cp -R "$pkg_src" "$work/pkg"
cp -R "$sdk_src" "$work/sdk"
chmod -R u+w "$work/pkg" "$work/sdk"
mkdir -p "$work/bin"

say "compiling the pulumi CLI ($(elapsed))"
(cd "$work/pkg" && go build -o "$work/bin/pulumi" \
  -ldflags "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$VERSION" ./cmd/pulumi) >>"$log" 2>&1

say "compiling the Node.js language host from sdk/v3 @ v$LANGHOST_SDK ($(elapsed))"
lh_src=$(module_dir "github.com/pulumi/pulumi/sdk/v3@v$LANGHOST_SDK")
[ -n "$lh_src" ] || die "go mod download did not report the sdk v$LANGHOST_SDK directory"
cp -R "$lh_src" "$work/langhost"
chmod -R u+w "$work/langhost"
(cd "$work/langhost" && go build -o "$work/bin/pulumi-language-nodejs" ./nodejs/cmd/pulumi-language-nodejs) \
  >>"$log" 2>&1

# The dynamic provider ships inside @pulumi/pulumi; run the copy the program's project resolves.
cat > "$work/bin/pulumi-resource-pulumi-nodejs" <<'EOF'
#!/bin/sh
exec node "$(node -p 'require.resolve("@pulumi/pulumi/cmd/dynamic-provider")')" "$@"
EOF
chmod +x "$work/bin/pulumi-resource-pulumi-nodejs"

PULUMI_SKIP_UPDATE_CHECK=true "$work/bin/pulumi" version >>"$log" 2>&1 || die "the built pulumi does not run"
mkdir -p "$cache_root/$VERSION"
rm -rf "$bin_dir"
mv "$work/bin" "$bin_dir"
say "built Pulumi $VERSION in $(elapsed)"
printf '%s\n' "$bin_dir"
