#!/usr/bin/env bash
# Lint every package as it would be published: `pnpm pack` each into a folder,
# then publint and @arethetypeswrong/cli (attw) on each tarball.
#
#   bash scripts/lint-packages.sh [tools dir] [tarball dir]
#
# attw runs with two documented exceptions to its default (strict) profile:
# - `--profile node16`: the node10 resolution (TypeScript's `moduleResolution:
#   node`, deprecated in TypeScript 6) reads no `exports`, so it can't see
#   subpaths like `@wego/core/testing`; the packages need Node >= 22.19 anyway.
# - `--ignore-rules cjs-resolves-to-esm`: the packages are ESM only and
#   `require()` loads them through require(esm) (Node >= 22.12, no top-level
#   await in any package; scripts/release-check.sh runs a CommonJS app to prove
#   it). attw predates require(esm) and still calls that "dynamic import only".
#   A CJS build beside the ESM one would load two copies of every class
#   (`instanceof WegoError` false across them), which is worse.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/provision.sh
TOOLS_DIR=${1:-$WEGO_TOOLS/release-tools}
OUT=${2:-$(mktemp -d /tmp/wego-tarballs.XXXXXX)}
if [ ! -x "$TOOLS_DIR/node_modules/.bin/attw" ] || [ ! -x "$TOOLS_DIR/node_modules/.bin/publint" ]; then
  mkdir -p "$TOOLS_DIR"
  (cd "$TOOLS_DIR" && npm i --no-audit --no-fund --no-save publint@0.3.25 @arethetypeswrong/cli@0.18.5 >/dev/null)
fi
mkdir -p "$OUT"
status=0
for dir in packages/*/; do
  name=$(node -p "require('./${dir}package.json').name")
  tgz=$(cd "$dir" && pnpm pack --pack-destination "$OUT" 2>/dev/null | grep '\.tgz$' | tail -1)
  if ! out=$("$TOOLS_DIR/node_modules/.bin/publint" run "$tgz" --strict 2>&1) || ! grep -q "All good" <<<"$out"; then
    printf 'FAIL publint %s\n%s\n' "$name" "$out"
    status=1
  elif ! out=$("$TOOLS_DIR/node_modules/.bin/attw" "$tgz" --profile node16 --ignore-rules cjs-resolves-to-esm --format ascii 2>&1); then
    printf 'FAIL attw %s\n%s\n' "$name" "$out"
    status=1
  else
    printf 'PASS publint + attw %s\n' "$name"
  fi
done
exit $status
