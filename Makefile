# tempomall: build, run and test.
#
#   make dev               start everything on this machine (Ctrl-C stops it)
#   make test              unit, workflow, replay and end-to-end tests
#   make test-integration  store tests against MariaDB and Redis, and the scale-out test
#   make chaos             crash test: the system as processes, SIGKILLs, an invariant table
#   make bench             benchmarks that print throughput figures
#   make bench-load        load benchmark of the whole system against bare baselines
#   make fuzz              every fuzz target for FUZZTIME (default 30s) each
#   make gen               regenerate the Kitex code from idl/*.proto
#   make check             gofmt, vet, stale generated code, workflowcheck
#   make deploy-check      Helm chart lint and render, deploy/ tests, docker-compose config
#
# Build tools (Kitex generator, Temporal CLI, grpcurl, workflowcheck, Helm)
# come from the tools module, outside go.work, and are built into ./bin on
# first use.

SHELL        := /bin/bash
# Tool targets are named bin/TOOL, so that both `make bin/helm` and a
# prerequisite $(BIN)/helm name the same target; ABS_BIN is for commands
# that run from another directory.
BIN          := bin
ABS_BIN      := $(CURDIR)/$(BIN)
TOOLS_BUILD  := cd tools && GOWORK=off go build -o $(ABS_BIN)/
IDL_MODULE   := github.com/tempomall/tempomall/idl
PROTOS       := common user auth product cart payment order checkout health

MYSQL_DSN    ?= root:@tcp(127.0.0.1:3306)/
REDIS_ADDR   ?= 127.0.0.1:6379

.PHONY: all build dev test test-integration chaos record-histories bench bench-load fuzz gen gen-check check fmt vet workflowcheck tools deploy-check clean

all: build

## tools ##################################################################

$(BIN)/kitex: tools/go.mod
	$(TOOLS_BUILD)kitex github.com/cloudwego/kitex/tool/cmd/kitex

$(BIN)/temporal: tools/go.mod
	@echo "building the Temporal CLI (a few minutes the first time)..."
	$(TOOLS_BUILD)temporal github.com/temporalio/cli/cmd/temporal

$(BIN)/grpcurl: tools/go.mod
	$(TOOLS_BUILD)grpcurl github.com/fullstorydev/grpcurl/cmd/grpcurl

$(BIN)/workflowcheck: tools/go.mod
	$(TOOLS_BUILD)workflowcheck go.temporal.io/sdk/contrib/tools/workflowcheck

# `helm version` reports the version pinned in tools/go.mod.
$(BIN)/helm: tools/go.mod
	@echo "building the Helm CLI (a few minutes the first time)..."
	v=$$(cd tools && GOWORK=off go list -m -f '{{.Version}}' helm.sh/helm/v4) && \
	$(TOOLS_BUILD)helm -ldflags "-X helm.sh/helm/v4/internal/version.version=$$v" helm.sh/helm/v4/cmd/helm

tools: $(BIN)/kitex $(BIN)/temporal $(BIN)/grpcurl $(BIN)/workflowcheck $(BIN)/helm

## build and run ##########################################################

build:
	go build -o $(BIN)/tempomall ./cmd/tempomall
	go build -o $(BIN)/mallctl ./cmd/mallctl

dev: build $(BIN)/temporal $(BIN)/grpcurl
	$(BIN)/tempomall dev

## tests ##################################################################

# Everything that needs nothing but Go: unit and workflow tests (with the
# Temporal test environment), replays of recorded histories, and the
# end-to-end tests against a real Temporal dev server.
test: build $(BIN)/temporal $(BIN)/grpcurl
	TEMPOMALL_TEMPORAL_CLI=$(ABS_BIN)/temporal TEMPOMALL_GRPCURL=$(ABS_BIN)/grpcurl TEMPOMALL_BIN=$(ABS_BIN)/tempomall \
		go test -count=1 -timeout 15m ./... ./idl/...

# The store, cache and throttle tests again, each run in a freshly created
# MariaDB database and its own Redis key space; then the scale-out test
# (e2e/scaleout_test.go): two replicas of every service and two workers as
# processes of bin/tempomall, found through a real etcd (TEMPOMALL_ETCD,
# default /usr/bin/etcd), one of each SIGKILLed under load, on a fresh
# database and Redis database of its own.
test-integration: build $(BIN)/temporal
	TEMPOMALL_TEST_MYSQL_DSN='$(MYSQL_DSN)' TEMPOMALL_TEST_REDIS_ADDR='$(REDIS_ADDR)' \
		go test -count=1 -timeout 15m ./internal/... ./services/... ./activities/... ./workflows/...
	TEMPOMALL_TEST_MYSQL_DSN='$(MYSQL_DSN)' TEMPOMALL_TEST_REDIS_ADDR='$(REDIS_ADDR)' \
	TEMPOMALL_TEMPORAL_CLI=$(ABS_BIN)/temporal TEMPOMALL_BIN=$(ABS_BIN)/tempomall \
		go test -count=1 -timeout 10m -v -run '^TestScaleOut$$' ./e2e/

# Crash test of the whole system (cmd/chaos): the Temporal dev server, one
# process per service, the worker and the sandbox as separate processes;
# N shoppers loop through journeys for DURATION while parts are SIGKILLed
# (at random and at named crash points); then the system settles and an
# invariant table is printed (exit 1 on a violation).
#   make chaos N=200 DURATION=10m
#   make chaos STORES=mariadb      a fresh MariaDB database (MYSQL_DSN) and Redis database (REDIS_ADDR)
#   make chaos CHAOS_FLAGS='-kills 20 -seed 42 -v'    any other flag (chaos -h)
# The binaries go to .chaos/bin; TEMPORAL_CLI names another Temporal CLI.
N            ?= 8
DURATION     ?= 60s
STORES       ?= sqlite
CHAOS_FLAGS  ?=
CHAOS_BIN    := $(CURDIR)/.chaos/bin
TEMPORAL_CLI ?= $(BIN)/temporal
chaos_stores := $(if $(filter mariadb,$(STORES)),-mysql-dsn '$(MYSQL_DSN)' -redis-addr '$(REDIS_ADDR)')

chaos: $(TEMPORAL_CLI)
	go build -o $(CHAOS_BIN)/tempomall ./cmd/tempomall
	go build -o $(CHAOS_BIN)/chaos ./cmd/chaos
	$(CHAOS_BIN)/chaos -n $(N) -duration $(DURATION) -tempomall $(CHAOS_BIN)/tempomall -temporal-cli $(TEMPORAL_CLI) \
		$(chaos_stores) $(CHAOS_FLAGS)

# Record workflow histories from real runs for the replay tests (after a
# deliberate, versioned change of workflow code).
record-histories: $(BIN)/temporal
	rm -rf workflows/testdata
	TEMPOMALL_RECORD_HISTORIES=1 TEMPOMALL_TEMPORAL_CLI=$(ABS_BIN)/temporal \
		go test -count=1 -run TestRecordHistories ./e2e/

# GetProduct against a bare Kitex echo of the same payload (throughput and
# ratio), and the auth middleware's cost per call on one core.
bench:
	go test -run '^$$' -bench GetProduct -benchtime 3s ./e2e/
	go test -run '^$$' -bench . -benchtime 3s ./services/product/
	go test -run '^$$' -bench . -benchtime 3s -cpu 1 ./internal/authn/

# Load benchmark of the whole system (cmd/benchload, issue 10): its own
# Temporal dev server and one process per service on ports 18200-18399;
# 1, 8 and 32 shoppers beside bare Update-With-Start baselines, histories,
# CPU and memory per process, and the targets as PASS/MISS. About 10-12
# minutes; not run by CI. Raw samples in .benchbin/bench-load.json.
#   make bench-load BENCH_FLAGS=-timeline    also the events of one journey
#   make bench-load BENCH_FLAGS='-mysql root:@tcp(127.0.0.1:3306)/ -redis 127.0.0.1:6379'
BENCH_FLAGS  ?=
BENCH_BIN    := $(CURDIR)/.benchbin

bench-load: $(TEMPORAL_CLI)
	go build -o $(BENCH_BIN)/tempomall ./cmd/tempomall
	go build -o $(BENCH_BIN)/benchload ./cmd/benchload
	$(BENCH_BIN)/benchload -tempomall $(BENCH_BIN)/tempomall -temporal-cli $(TEMPORAL_CLI) \
		-out $(BENCH_BIN)/bench-load.json $(BENCH_FLAGS)

# Every fuzz target, one after another, for FUZZTIME each (package:target).
# `make test` runs their seeds and checked-in corpora (testdata/fuzz) only.
FUZZTIME     ?= 30s
FUZZ_TARGETS := internal/text:FuzzCheck internal/text:FuzzCheckRequest \
	internal/money:FuzzConvert internal/money:FuzzParseRate cmd/mallctl:FuzzParseAmount \
	internal/gateway:FuzzParseEvent internal/gateway:FuzzVerifySignature \
	internal/commerce:FuzzAddressValidate internal/commerce:FuzzCheckKey

fuzz:
	for t in $(FUZZ_TARGETS); do \
		go test -run '^$$' -fuzz "^$${t#*:}$$" -fuzztime $(FUZZTIME) ./$${t%%:*} || exit 1; \
	done

## code generation and checks #############################################

gen: $(BIN)/kitex
	cd idl && for p in $(PROTOS); do $(ABS_BIN)/kitex -module $(IDL_MODULE) -I . $$p.proto || exit 1; done

# Regenerate into a scratch copy and compare: fails when the committed
# kitex_gen is stale.
gen-check: $(BIN)/kitex
	@tmp=$$(mktemp -d) && cp -r idl/. $$tmp/ && rm -rf $$tmp/kitex_gen && \
	(cd $$tmp && for p in $(PROTOS); do $(ABS_BIN)/kitex -module $(IDL_MODULE) -I . $$p.proto >/dev/null 2>&1 || exit 1; done) && \
	if diff -r idl/kitex_gen $$tmp/kitex_gen >/dev/null; then echo "generated code is up to date"; rm -rf $$tmp; \
	else diff -r idl/kitex_gen $$tmp/kitex_gen | head -20; rm -rf $$tmp; echo "idl/kitex_gen is stale: run make gen"; exit 1; fi

fmt:
	gofmt -w $$(git ls-files '*.go')

vet:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "not gofmt-ed:"; echo "$$out"; exit 1; fi
	go vet ./... ./idl/...

workflowcheck: $(BIN)/workflowcheck
	$(BIN)/workflowcheck ./workflows/...

check: vet gen-check workflowcheck

## deployment files #######################################################

CHART        := deploy/helm/tempomall

# The Helm chart (lint and render with the defaults and every ci/ values
# file), the deploy/ module's tests (strict decoding of every rendered
# object, the compose file, Envoy, Prometheus and Grafana configuration) and
# docker-compose's own validation of docker-compose.yaml. deploy/ is its
# own module outside go.work.
deploy-check: $(BIN)/helm
	$(BIN)/helm lint --strict $(CHART)
	for f in $(CHART)/ci/*.yaml; do $(BIN)/helm lint --strict $(CHART) -f $$f || exit 1; done
	$(BIN)/helm template tempomall $(CHART) >/dev/null
	for f in $(CHART)/ci/*.yaml; do $(BIN)/helm template tempomall $(CHART) -f $$f >/dev/null || exit 1; done
	cd deploy && GOWORK=off go vet ./... && GOWORK=off go test -count=1 ./...
	docker-compose config -q

clean:
	rm -rf $(BIN) .data .chaos .benchbin
