#!/usr/bin/env bash
# End-to-end checks of flotilla with the clients users actually run: boto3
# (the DynamoDB guide's examples) and the AWS CLI. Builds flotilla, starts it
# on a free port with a temporary data directory, runs guide.py and
# awscli.sh against it, and prints a summary.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
work="$(mktemp -d -t flotilla-e2e.XXXXXX)"
pid=""

cleanup() {
  if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

free_port() {
  /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

echo "building flotilla"
(cd "$root" && go build -o "$work/flotilla" ./cmd/flotilla)

port="$(free_port)"
endpoint="http://127.0.0.1:$port"
"$work/flotilla" serve --data-dir "$work/data" --http-addr "127.0.0.1:$port" \
  --grpc-addr "127.0.0.1:$(free_port)" --gossip-addr "127.0.0.1:$(free_port)" \
  >"$work/server.log" 2>&1 &
pid=$!

deadline=$((SECONDS + 30))
until curl -fsS "$endpoint/ready" >/dev/null 2>&1; do
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "flotilla exited before it was ready:" >&2
    cat "$work/server.log" >&2
    exit 1
  fi
  if ((SECONDS > deadline)); then
    echo "flotilla not ready within 30s:" >&2
    cat "$work/server.log" >&2
    exit 1
  fi
  sleep 0.1
done
echo "flotilla ready on $endpoint"

export FLOTILLA_ENDPOINT="$endpoint"
export AWS_ACCESS_KEY_ID=AKIDEXAMPLE
export AWS_SECRET_ACCESS_KEY=secret
export AWS_DEFAULT_REGION=us-east-1
export AWS_REGION=us-east-1
export AWS_PAGER=""
export AWS_EC2_METADATA_DISABLED=true
unset AWS_PROFILE AWS_SESSION_TOKEN || true

passed=0
failed=0
# run_suite runs one suite and adds its "N passed, M failed" line to the
# totals; a suite that dies without that line counts as one failure.
run_suite() {
  local name="$1" log="$work/$1.out" status=0 summary p f
  shift
  echo "=== $name"
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

run_suite guide.py /usr/bin/python3 "$here/guide.py"
run_suite awscli.sh bash "$here/awscli.sh"

if ! kill -0 "$pid" 2>/dev/null; then
  echo "flotilla died during the run:" >&2
  tail -50 "$work/server.log" >&2
  failed=$((failed + 1))
fi

echo "$passed passed, $failed failed"
if ((failed > 0)); then
  echo "server log tail:" >&2
  tail -30 "$work/server.log" >&2
  exit 1
fi
