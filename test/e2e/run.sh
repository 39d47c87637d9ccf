#!/usr/bin/env bash
# End-to-end checks of flotilla with the clients users actually run: boto3
# (the DynamoDB guide's examples) and the AWS CLI. Builds flotilla, then
#
#   1. starts a single node on free ports with a temporary data directory
#      and runs guide.py and awscli.sh against it;
#   2. starts a 3-node cluster on 127.0.0.1 (free ports, temporary data
#      directories, --bootstrap-expect 3), runs guide.py against node 2 and
#      awscli.sh against node 3, reading an item written through node 3
#      back through node 1;
#
# and prints one summary line, "N passed, M failed". Every process started
# here is stopped on exit, whatever the outcome.
#
# READY_TIMEOUT (seconds, default 60) bounds each wait for GET /ready.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
work="$(mktemp -d -t flotilla-e2e.XXXXXX)"
READY_TIMEOUT=${READY_TIMEOUT:-60}
pids=()  # every flotilla process started
names=() # their names, for logs: $work/<name>.log

cleanup() {
  local pid
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT

free_port() {
  /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# start_node NAME HTTP-PORT ARGS... starts flotilla serve with its data in
# $work/NAME and its log in $work/NAME.log.
start_node() {
  local name="$1" port="$2"
  shift 2
  "$work/flotilla" serve --data-dir "$work/$name" --http-addr "127.0.0.1:$port" "$@" \
    >"$work/$name.log" 2>&1 &
  pids+=("$!")
  names+=("$name")
}

# wait_ready INDEX URL waits until the node started INDEX-th answers
# GET /ready, or fails when it exits or READY_TIMEOUT passes.
wait_ready() {
  local i="$1" url="$2" deadline=$((SECONDS + READY_TIMEOUT))
  until curl -fsS -o /dev/null --max-time 1 "$url/ready" 2>/dev/null; do
    if ! kill -0 "${pids[$i]}" 2>/dev/null; then
      echo "${names[$i]} exited before it was ready:" >&2
      tail -50 "$work/${names[$i]}.log" >&2
      exit 1
    fi
    if ((SECONDS > deadline)); then
      echo "${names[$i]} not ready within ${READY_TIMEOUT}s:" >&2
      tail -50 "$work/${names[$i]}.log" >&2
      exit 1
    fi
    sleep 0.1
  done
  echo "${names[$i]} ready on $url"
}

echo "building flotilla"
(cd "$root" && go build -o "$work/flotilla" ./cmd/flotilla)

export AWS_ACCESS_KEY_ID=AKIDEXAMPLE
export AWS_SECRET_ACCESS_KEY=secret
export AWS_DEFAULT_REGION=us-east-1
export AWS_REGION=us-east-1
export AWS_PAGER=""
export AWS_EC2_METADATA_DISABLED=true
unset AWS_PROFILE AWS_SESSION_TOKEN FLOTILLA_READ_ENDPOINT || true

passed=0
failed=0
# run_suite NAME ENDPOINT CMD... runs one suite against ENDPOINT and adds
# its "N passed, M failed" line to the totals; a suite that dies without
# that line counts as one failure.
run_suite() {
  local name="$1" log="$work/$1.out" status=0 summary p f
  export FLOTILLA_ENDPOINT="$2"
  shift 2
  echo "=== $name ($FLOTILLA_ENDPOINT)"
  "$@" 2>&1 | tee "$log" || status=$?
  summary="$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$log" | tail -1 || true)"
  if [[ -n "$summary" ]]; then
    read -r p _ f _ <<<"$summary"
    passed=$((passed + p))
    failed=$((failed + f))
  fi
  if ((status != 0)) && { [[ -z "$summary" ]] || ((f == 0)); }; then
    failed=$((failed + 1))
  fi
  echo "--- $name exit $status"
}

# --- single node
port="$(free_port)"
start_node single "$port" --grpc-addr "127.0.0.1:$(free_port)" --gossip-addr "127.0.0.1:$(free_port)"
single="http://127.0.0.1:$port"
wait_ready 0 "$single"
run_suite single-guide.py "$single" /usr/bin/python3 "$here/guide.py"
run_suite single-awscli.sh "$single" bash "$here/awscli.sh"

# --- 3-node cluster
http=() grpc=() gossip=()
for i in 1 2 3; do
  http+=("$(free_port)") grpc+=("$(free_port)") gossip+=("$(free_port)")
done
join="127.0.0.1:${gossip[0]},127.0.0.1:${gossip[1]},127.0.0.1:${gossip[2]}"
for i in 0 1 2; do
  start_node "n$((i + 1))" "${http[$i]}" --node-id "n$((i + 1))" \
    --grpc-addr "127.0.0.1:${grpc[$i]}" --gossip-addr "127.0.0.1:${gossip[$i]}" \
    --bootstrap-expect 3 --join "$join"
done
for i in 0 1 2; do
  wait_ready $((i + 1)) "http://127.0.0.1:${http[$i]}"
done
run_suite cluster-n2-guide.py "http://127.0.0.1:${http[1]}" /usr/bin/python3 "$here/guide.py"
export FLOTILLA_READ_ENDPOINT="http://127.0.0.1:${http[0]}"
run_suite cluster-n3-awscli.sh "http://127.0.0.1:${http[2]}" bash "$here/awscli.sh"

for i in "${!pids[@]}"; do
  if ! kill -0 "${pids[$i]}" 2>/dev/null; then
    echo "${names[$i]} died during the run:" >&2
    tail -50 "$work/${names[$i]}.log" >&2
    failed=$((failed + 1))
  fi
done

echo "$passed passed, $failed failed"
if ((failed > 0)); then
  for name in "${names[@]}"; do
    echo "--- $name log tail:" >&2
    tail -20 "$work/$name.log" >&2
  done
  exit 1
fi
