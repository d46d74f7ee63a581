#!/usr/bin/env bash
# The README's two commands for a fresh machine, whatever Node it has:
#
#   bash scripts/dev.sh exam    install everything, build, start the example app (examples/exam)
#   bash scripts/dev.sh test    install everything, build, start Redis/MariaDB if down, run every test
#
# Both first put Node >= 22.19 and pnpm on PATH (scripts/provision.sh: the
# system Node if recent enough, else Node 24 from the npm registry into
# ~/.wego-tools), so a machine with only an older Node (or npm) works too.
# Any further arguments go to the example (`exam --server http`) or to vitest
# (`test --project core`).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/provision.sh

cmd=${1:-}
[ $# -gt 0 ] && shift
case "$cmd" in
exam | test) ;;
*)
  echo "usage: bash scripts/dev.sh exam|test [args]" >&2
  exit 2
  ;;
esac

wego_provision
printf '\n== pnpm install --frozen-lockfile\n'
pnpm install --frozen-lockfile
printf '\n== pnpm build\n'
pnpm build >/dev/null
if [ "$cmd" = exam ]; then
  printf '\n== examples/exam (Ctrl-C stops it)\n'
  cd examples/exam
  exec node dist/main.js "$@"
fi
printf '\n== services\n'
bash scripts/services.sh
printf '\n== pnpm test\n'
exec pnpm test "$@"
