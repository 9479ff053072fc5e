#!/usr/bin/env bash
# A local cluster in one command, each part its own process (DESIGN §8, issue 9): a core node and two compute
# nodes that register with it, heartbeat, and place programs over each other. Ctrl-C stops them all.
#
#   scripts/cluster.sh [--home DIR] [--api-port 4024] [--compute-port 4020] [--postgres | --store postgres://…]
#
# The core node is `aleph devnet --no-compute` (it publishes the default runtimes at first start) on embedded
# SQLite. With --store the URL goes to the core node, and a second core node (`aleph node`, API port + 1) joins the
# same store; the second compute node follows it. --postgres starts a private PostgreSQL under the home first
# (scripts/postgres.sh, port $ALEPH_PG_PORT or 54330) and uses it: PostgreSQL, two core nodes, two compute nodes.
set -euo pipefail
cd "$(dirname "$0")/.."

home=./.aleph-cluster
api_port=4024
compute_port=4020
store=""
postgres=0
while [ $# -gt 0 ]; do
  case "$1" in
    --home) home="$2"; shift 2 ;;
    --api-port) api_port="$2"; shift 2 ;;
    --compute-port) compute_port="$2"; shift 2 ;;
    --store) store="$2"; shift 2 ;;
    --postgres) postgres=1; shift ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "cluster.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
# Not a shell function: `$!` must be the node process itself, so Ctrl-C reaches it.
aleph=(node bin/aleph.js)
mkdir -p "$home"
home=$(cd "$home" && pwd)

pids=()
stop() {
  trap - INT TERM EXIT
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ "$postgres" = 1 ]; then scripts/postgres.sh stop "$home/pg" 2>/dev/null || true; fi
}
trap stop INT TERM EXIT

if [ "$postgres" = 1 ]; then
  pg_port=${ALEPH_PG_PORT:-54330}
  server=$(scripts/postgres.sh start "$home/pg" "$pg_port")
  psql "$server" -qtAc "SELECT 1 FROM pg_database WHERE datname = 'aleph'" | grep -q 1 ||
    psql "$server" -qc "CREATE DATABASE aleph"
  store="${server%/postgres}/aleph"
  echo "PostgreSQL: $store (data in $home/pg)"
fi

wait_for() { # url, what
  for _ in $(seq 1 600); do
    if curl -fsS -o /dev/null "$1" 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  echo "cluster.sh: $2 did not come up at $1 (see $home/*.log)" >&2
  exit 1
}

# The allow-list is the compute nodes' own keys, made before anything starts.
a=$("${aleph[@]}" compute --home "$home/compute-a" --print-address)
b=$("${aleph[@]}" compute --home "$home/compute-b" --print-address)
api1="http://127.0.0.1:$api_port"
api2="$api1"

"${aleph[@]}" devnet --no-compute --home "$home/core-1" --api-port "$api_port" --compute-allow "$a,$b" \
  ${store:+--store "$store"} >"$home/core-1.log" 2>&1 &
pids+=($!)
wait_for "$api1/api/v0/height" "core node 1"
if [ -n "$store" ]; then
  api2="http://127.0.0.1:$((api_port + 1))"
  "${aleph[@]}" node --store "$store" --home "$home/core-2" --api-port "$((api_port + 1))" --compute-allow "$a,$b" \
    >"$home/core-2.log" 2>&1 &
  pids+=($!)
  wait_for "$api2/api/v0/height" "core node 2"
fi

# Two compute nodes on one host need program uid ranges apart.
"${aleph[@]}" --api-url "$api1" compute --home "$home/compute-a" --port "$compute_port" --name a \
  --program-uids 200000 >"$home/compute-a.log" 2>&1 &
pids+=($!)
"${aleph[@]}" --api-url "$api2" compute --home "$home/compute-b" --port "$((compute_port + 1))" --name b \
  --program-uids 270000 >"$home/compute-b.log" 2>&1 &
pids+=($!)
wait_for "http://127.0.0.1:$compute_port/about" "compute node a"
wait_for "http://127.0.0.1:$((compute_port + 1))/about" "compute node b"

grep -h 'Runtime' "$home/core-1.log" || true
cat <<MSG
Cluster running (home $home, logs $home/*.log)
  Core:    $api1$([ "$api2" != "$api1" ] && echo " $api2")
  Compute: http://127.0.0.1:$compute_port ($a)
           http://127.0.0.1:$((compute_port + 1)) ($b)
  Fleet:   curl $api1/api/v0/compute/nodes
Press Ctrl-C to stop.
MSG
wait -n "${pids[@]}" || true
echo "cluster.sh: a process exited; stopping the others" >&2
