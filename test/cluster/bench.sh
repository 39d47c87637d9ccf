#!/usr/bin/env bash
# Benchmarks a 3-node flotilla cluster against a single node in one run.
#
# Starts a single node and then a 3-node cluster, all on 127.0.0.1 with
# free ports and temporary data directories (writes are synced, as in
# production), runs `flotilla bench` against each with the same settings
# (PutItem, eventually consistent GetItem and consistent GetItem phases),
# and prints both results and the ratio cluster/single of ops/s, p50 and
# p99 per phase. Every process started here is stopped on exit.
#
# Settings (environment):
#   BIN            flotilla binary (default bin/flotilla)
#   BENCHTIME      length of each phase (default 10s)
#   CLIENTS        concurrent clients (default 32)
#   ITEM_SIZE      payload bytes per item (default 1024)
#   OPS            phases (default put,get,cget)
#   SPREAD         1 (default): the cluster's clients are spread over the
#                  three nodes; 0: all go to node 1
#   READY_TIMEOUT  seconds to wait for GET /ready (default 60)
set -euo pipefail

BIN=${BIN:-bin/flotilla}
BENCHTIME=${BENCHTIME:-10s}
CLIENTS=${CLIENTS:-32}
ITEM_SIZE=${ITEM_SIZE:-1024}
OPS=${OPS:-put,get,cget}
SPREAD=${SPREAD:-1}
READY_TIMEOUT=${READY_TIMEOUT:-60}

if [[ ! -x $BIN ]]; then
	echo "bench-cluster: $BIN not found; run 'make build' first" >&2
	exit 1
fi
work="$(mktemp -d -t flotilla-bench.XXXXXX)"
pids=()

stop_all() {
	local pid
	for pid in "${pids[@]}"; do
		kill -TERM "$pid" 2>/dev/null || true
	done
	for pid in "${pids[@]}"; do
		wait "$pid" 2>/dev/null || true
	done
	pids=()
}
trap 'stop_all; rm -rf "$work"' EXIT

# free_port prints a TCP port that was free a moment ago.
free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# start NAME HTTP-PORT ARGS... starts a node with data and log in $work.
start() {
	local name="$1" port="$2"
	shift 2
	"$BIN" serve --data-dir "$work/$name" --http-addr "127.0.0.1:$port" --log-level warn "$@" \
		>"$work/$name.log" 2>&1 &
	pids+=("$!")
}

# wait_ready PORT... waits until every node answers GET /ready.
wait_ready() {
	local port deadline=$((SECONDS + READY_TIMEOUT))
	for port in "$@"; do
		until curl -fsS -o /dev/null --max-time 1 "http://127.0.0.1:$port/ready" 2>/dev/null; do
			if ((SECONDS > deadline)); then
				echo "bench-cluster: 127.0.0.1:$port not ready after ${READY_TIMEOUT}s" >&2
				tail -20 "$work"/*.log >&2
				exit 1
			fi
			sleep 0.1
		done
	done
}

# bench NAME ENDPOINT-FLAG ENDPOINTS runs flotilla bench, tees its output
# to $work/NAME.out.
bench() {
	local name="$1"
	shift
	echo "=== $name"
	"$BIN" bench "$@" --clients "$CLIENTS" --duration "$BENCHTIME" --item-size "$ITEM_SIZE" --ops "$OPS" |
		tee "$work/$name.out"
}

# --- single node
port=$(free_port)
start single "$port" --grpc-addr "127.0.0.1:$(free_port)" --gossip-addr "127.0.0.1:$(free_port)"
wait_ready "$port"
bench single --endpoint "127.0.0.1:$port"
stop_all

# --- 3-node cluster
http=() gossip=() grpc=()
for i in 0 1 2; do
	http+=("$(free_port)") grpc+=("$(free_port)") gossip+=("$(free_port)")
done
join="127.0.0.1:${gossip[0]},127.0.0.1:${gossip[1]},127.0.0.1:${gossip[2]}"
for i in 0 1 2; do
	start "n$((i + 1))" "${http[$i]}" --node-id "n$((i + 1))" --grpc-addr "127.0.0.1:${grpc[$i]}" \
		--gossip-addr "127.0.0.1:${gossip[$i]}" --bootstrap-expect 3 --join "$join"
done
wait_ready "${http[@]}"
if [[ $SPREAD == 1 ]]; then
	bench cluster --endpoints "127.0.0.1:${http[0]},127.0.0.1:${http[1]},127.0.0.1:${http[2]}"
else
	bench cluster --endpoint "127.0.0.1:${http[0]}"
fi
stop_all

# --- comparison: phase lines are "op ops ops/s p50 p99 errors", latencies
# as Go durations (850µs, 1.2ms, 1.5s).
echo "=== cluster / single"
awk '
function secs(d) {
	if (d ~ /µs$/ || d ~ /us$/) { sub(/[µu]s$/, "", d); return d / 1e6 }
	if (d ~ /ns$/) { sub(/ns$/, "", d); return d / 1e9 }
	if (d ~ /ms$/) { sub(/ms$/, "", d); return d / 1e3 }
	if (d ~ /s$/) { sub(/s$/, "", d); return d + 0 }
	return d + 0
}
function ratio(a, b) { return b > 0 ? sprintf("%.2f", a / b) : "-" }
FNR == 1 { file++ }
$1 ~ /^(put|get|cget)$/ && NF == 6 {
	if (file == 1) { order[++n] = $1; rate[$1] = $3; p50[$1] = secs($4); p99[$1] = secs($5) }
	else { crate[$1] = $3; cp50[$1] = secs($4); cp99[$1] = secs($5) }
}
END {
	printf "%-5s %10s %10s %10s\n", "phase", "ops/s", "p50", "p99"
	for (i = 1; i <= n; i++) {
		op = order[i]
		printf "%-5s %10s %10s %10s\n", op, ratio(crate[op], rate[op]), ratio(cp50[op], p50[op]), ratio(cp99[op], p99[op])
	}
}' "$work/single.out" "$work/cluster.out"
