#!/usr/bin/env bash
# Runs a 3-node flotilla cluster on 127.0.0.1 in the foreground:
#
#   node  http   grpc   gossip  data
#   n1    8000   7000   7946    ./data/cluster/n1
#   n2    8001   7001   7947    ./data/cluster/n2
#   n3    8002   7002   7948    ./data/cluster/n3
#
# Waits until every node answers GET /ready, prints how to reach it, and
# stops all three (SIGTERM, then waits) on Ctrl-C or when any node exits.
# Node logs go to stderr, each line prefixed with the node's name.
#
# BIN (default bin/flotilla) is the binary; READY_TIMEOUT (seconds,
# default 60) bounds the wait for readiness.
set -euo pipefail

BIN=${BIN:-bin/flotilla}
READY_TIMEOUT=${READY_TIMEOUT:-60}
HOST=127.0.0.1
NODES=(n1 n2 n3)
JOIN="$HOST:7946,$HOST:7947,$HOST:7948"

if [[ ! -x $BIN ]]; then
	echo "run-local: $BIN not found; run 'make build' first" >&2
	exit 1
fi
if ! command -v curl >/dev/null; then
	echo "run-local: curl is needed to poll /ready" >&2
	exit 1
fi

pids=()
stop() {
	trap - INT TERM EXIT
	echo "run-local: stopping ${#pids[@]} nodes" >&2
	for pid in "${pids[@]}"; do
		kill -TERM "$pid" 2>/dev/null || true
	done
	for pid in "${pids[@]}"; do
		wait "$pid" 2>/dev/null || true
	done
}
trap stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

for i in "${!NODES[@]}"; do
	name=${NODES[$i]}
	mkdir -p "data/cluster/$name"
	"$BIN" serve --node-id "$name" --data-dir "data/cluster/$name" \
		--http-addr "$HOST:$((8000 + i))" \
		--grpc-addr "$HOST:$((7000 + i))" \
		--gossip-addr "$HOST:$((7946 + i))" \
		--join "$JOIN" --bootstrap-expect 3 \
		> >(sed -u "s/^/[$name] /") 2>&1 &
	pids+=("$!")
done

deadline=$((SECONDS + READY_TIMEOUT))
for i in "${!NODES[@]}"; do
	url="http://$HOST:$((8000 + i))/ready"
	until curl -fsS -o /dev/null --max-time 1 "$url" 2>/dev/null; do
		if ! kill -0 "${pids[$i]}" 2>/dev/null; then
			echo "run-local: ${NODES[$i]} exited before it was ready" >&2
			exit 1
		fi
		if ((SECONDS >= deadline)); then
			echo "run-local: ${NODES[$i]} not ready after ${READY_TIMEOUT}s ($url)" >&2
			exit 1
		fi
		sleep 0.2
	done
done

cat <<MSG

flotilla cluster ready: http://$HOST:8000, http://$HOST:8001, http://$HOST:8002
Any node serves any request. Point a client at one of them, e.g.:

  export AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local AWS_DEFAULT_REGION=us-east-1
  aws dynamodb list-tables --endpoint-url http://$HOST:8001
  boto3.resource('dynamodb', endpoint_url='http://$HOST:8002')
  ./$BIN admin status --addr $HOST:8000

Ctrl-C stops all three nodes; data stays in ./data/cluster.

MSG

# Return when any node exits (or on Ctrl-C); the EXIT trap stops the rest.
while true; do
	for i in "${!pids[@]}"; do
		if ! kill -0 "${pids[$i]}" 2>/dev/null; then
			echo "run-local: ${NODES[$i]} exited" >&2
			exit 1
		fi
	done
	sleep 1
done
