# flotilla build and test entry points. Bare `make` prints the targets.

GO        ?= go
BIN       ?= bin/flotilla
FUZZTIME  ?= 300000x
STRESS    ?= ./node/...
BENCHTIME ?= 10s
BENCHADDR ?= 127.0.0.1:18000
BENCHPKGS  ?= ./partition/ ./partition/attr/ ./router/ ./node/ ./replication/
BENCHRE    ?= BenchmarkAPI|BenchmarkServe|BenchmarkCommand|BenchmarkApplyPut|BenchmarkMarshalJSON|BenchmarkUnmarshalJSON|BenchmarkCodec|BenchmarkGroupApply
BENCHCOUNT ?= 6
BENCHOUT   ?= bin/bench.txt
BASELINE   ?= docs/bench/baseline.txt
BENCHSTAT  ?= $(GO) run golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da
CHAOS_DURATION ?= 10m

.DEFAULT_GOAL := help
.PHONY: help build run cluster test testrace stress fuzz e2e chaos bench bench-cluster bench-compare bench-curve proto verify clean

help:
	@echo "flotilla make targets:"
	@echo "  build     build $(BIN)"
	@echo "  run       build and serve a single node on 127.0.0.1:8000 with data in ./data"
	@echo "  cluster   build and run 3 nodes on 127.0.0.1:8000-8002 (data in ./data/cluster); Ctrl-C stops them"
	@echo "  test      go vet and all unit and black-box tests"
	@echo "  testrace  all tests with the race detector"
	@echo "  stress    repeat the tests of STRESS=$(STRESS) under -race"
	@echo "  fuzz      run every fuzz target for FUZZTIME=$(FUZZTIME) executions"
	@echo "  e2e       AWS CLI and boto3 end-to-end suite (test/e2e/run.sh)"
	@echo "  chaos     Jepsen-style fault schedule of CHAOS_DURATION=$(CHAOS_DURATION) on 3, then 5 nodes (reports in reports/)"
	@echo "  bench     hot-path Go benchmarks (BENCHRE, -count BENCHCOUNT, into BENCHOUT) compared with BASELINE by benchstat,"
	@echo "            then 'flotilla bench' against a fresh server; cp BENCHOUT BASELINE to accept new figures"
	@echo "  bench-cluster  'flotilla bench' against a single node and a 3-node cluster, with their ratio"
	@echo "  bench-compare  YCSB A and C: flotilla (1 and 3 nodes) vs dynalite vs a no-work endpoint (docs/benchmarks.md)"
	@echo "  bench-curve    latency against load: YCSB A and C on one node, open loop at 10%..80% of the closed-loop peak"
	@echo "                 (BENCH_TARGETS, BENCH_WORKLOADS, BENCH_CURVE, BENCH_CURVE_DURATION; docs/benchmarks.md)"
	@echo "  proto     regenerate Go code from proto/*.proto"
	@echo "  verify    gofmt, go vet, go mod tidy -diff"
	@echo "  clean     remove bin/"

build:
	$(GO) build -o $(BIN) ./cmd/flotilla

run: build
	./$(BIN) serve --data-dir ./data --http-addr 127.0.0.1:8000

# Foreground, with a trap: Ctrl-C stops all three nodes, nothing is left
# running.
cluster: build
	BIN=$(BIN) bash test/cluster/run-local.sh

test:
	$(GO) vet ./...
	$(GO) test -count=1 ./...

testrace:
	$(GO) test -race -count=1 ./...

stress:
	$(GO) test -race -count=20 $(STRESS)

# FUZZTIME is an execution count, not a duration: go test's coordinator can
# fail a duration-bounded run with "context deadline exceeded" at the
# deadline on a loaded machine, with no failing input.
# Every FuzzXxx in a _test.go file is run on its own (go test -fuzz takes one
# target per package), so new targets are picked up without editing this file.
fuzz:
	@set -e; \
	for dir in $$(grep -rl --include='*_test.go' '^func Fuzz' . | xargs -r -n1 dirname | sort -u); do \
		for target in $$($(GO) test -list '^Fuzz' $$dir | grep '^Fuzz'); do \
			echo "== fuzz $$dir $$target ($(FUZZTIME))"; \
			$(GO) test -run '^$$' -fuzz "^$$target\$$" -fuzztime $(FUZZTIME) -fuzzminimizetime 100x $$dir; \
		done; \
	done

e2e:
	bash test/e2e/run.sh

# Both runs happen even if the first finds an anomaly; each prints its
# seed, its summary and where its report folder is.
chaos: build
	@status=0; \
	$(GO) run ./test/chaos/cmd/chaos -binary $(BIN) -nodes 3 -duration $(CHAOS_DURATION) || status=1; \
	$(GO) run ./test/chaos/cmd/chaos -binary $(BIN) -nodes 5 -duration $(CHAOS_DURATION) || status=1; \
	exit $$status

# The load run starts a server on BENCHADDR with data in a temporary
# directory and stops it (SIGTERM) afterwards, whatever the outcome.
bench: build
	$(GO) test -run '^$$' -bench '$(BENCHRE)' -benchmem -count $(BENCHCOUNT) $(BENCHPKGS) > $(BENCHOUT) || { cat $(BENCHOUT); exit 1; }
	$(BENCHSTAT) $(BASELINE) $(BENCHOUT)
	@set -e; \
	dir=$$(mktemp -d); \
	./$(BIN) serve --data-dir $$dir/data --http-addr $(BENCHADDR) --log-level warn & pid=$$!; \
	trap 'kill -TERM $$pid 2>/dev/null; wait $$pid 2>/dev/null; rm -rf $$dir' EXIT; \
	for i in $$(seq 100); do \
		./$(BIN) admin status --addr $(BENCHADDR) >/dev/null 2>&1 && break; sleep 0.1; \
	done; \
	./$(BIN) bench --endpoint $(BENCHADDR) --duration $(BENCHTIME)

# Single node, then a 3-node cluster, each on free ports with temporary
# data directories; BENCHTIME per phase, 32 clients, 1 KB items (see
# test/cluster/bench.sh for the other settings).
bench-cluster: build
	BIN=$(BIN) BENCHTIME=$(BENCHTIME) bash test/cluster/bench.sh

# dynalite (npm; its LevelDB binding ships prebuilt binaries) is installed
# once into DYNALITE_DIR, outside the tree. test/bench/compare starts and
# stops every server itself; BENCH_DURATION (20s), BENCH_WORKLOADS (a,c)
# and BENCH_TARGETS override its defaults. See docs/benchmarks.md.
DYNALITE_DIR     ?= $(HOME)/.cache/flotilla/dynalite
DYNALITE_VERSION ?= 4.0.0
bench-compare: build
	$(GO) build -o bin/flotilla-nullserver ./test/bench/nullserver
	$(GO) build -o bin/flotilla-compare ./test/bench/compare
	@test -x $(DYNALITE_DIR)/node_modules/.bin/dynalite || \
		npm install --prefix $(DYNALITE_DIR) --no-audit --no-fund dynalite@$(DYNALITE_VERSION)
	./bin/flotilla-compare --flotilla $(BIN) --nullserver bin/flotilla-nullserver \
		--dynalite $(DYNALITE_DIR)/node_modules/.bin/dynalite

# bench-compare's driver with --curve: after each workload's closed-loop
# run, open-loop runs at each percentage of its peak for
# BENCH_CURVE_DURATION (10s). One round; BENCH_TARGETS (single),
# BENCH_WORKLOADS (a,c) and BENCH_CURVE (10,...,80) override the defaults.
# dynalite is installed only if BENCH_TARGETS names it.
bench-curve: build
	$(GO) build -o bin/flotilla-nullserver ./test/bench/nullserver
	$(GO) build -o bin/flotilla-compare ./test/bench/compare
	@case ",$${BENCH_TARGETS:-single}," in *,dynalite,*) \
		test -x $(DYNALITE_DIR)/node_modules/.bin/dynalite || \
		npm install --prefix $(DYNALITE_DIR) --no-audit --no-fund dynalite@$(DYNALITE_VERSION);; esac
	BENCH_TARGETS=$${BENCH_TARGETS:-single} BENCH_WORKLOADS=$${BENCH_WORKLOADS:-a,c} \
	BENCH_CURVE=$${BENCH_CURVE:-10,20,30,40,50,60,70,80} \
		./bin/flotilla-compare --flotilla $(BIN) --nullserver bin/flotilla-nullserver \
		--dynalite $(DYNALITE_DIR)/node_modules/.bin/dynalite --rounds 1

proto:
	@if ls proto/*.proto >/dev/null 2>&1; then \
		PATH="$$($(GO) env GOPATH)/bin:$$PATH" protoc -I proto \
			--go_out=. --go_opt=module=github.com/flotilla-db/flotilla \
			--go-grpc_out=. --go-grpc_opt=module=github.com/flotilla-db/flotilla \
			proto/*.proto; \
	else \
		echo "proto: no .proto files yet, nothing to generate"; \
	fi

verify:
	@out=$$(gofmt -l .); \
	if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) mod tidy -diff

clean:
	rm -rf bin
