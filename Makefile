# tempomall: build, run and test.
#
#   make dev               start everything on this machine (Ctrl-C stops it)
#   make test              unit, workflow, replay and end-to-end tests
#   make test-integration  store tests against MariaDB and Redis
#   make chaos             crash test: the system as processes, SIGKILLs, an invariant table
#   make bench             benchmarks that print throughput figures
#   make gen               regenerate the Kitex code from idl/*.proto
#   make check             gofmt, vet, stale generated code, workflowcheck
#
# Build tools (Kitex generator, Temporal CLI, grpcurl, workflowcheck) come
# from the tools module, outside go.work, and are built into ./bin on first
# use.

SHELL        := /bin/bash
BIN          := $(CURDIR)/bin
TOOLS_BUILD  := cd tools && GOWORK=off go build -o
IDL_MODULE   := github.com/tempomall/tempomall/idl
PROTOS       := common user auth product cart payment order checkout

MYSQL_DSN    ?= root:@tcp(127.0.0.1:3306)/
REDIS_ADDR   ?= 127.0.0.1:6379

.PHONY: all build dev test test-integration chaos record-histories bench gen gen-check check fmt vet workflowcheck tools clean

all: build

## tools ##################################################################

$(BIN)/kitex: tools/go.mod
	$(TOOLS_BUILD) $@ github.com/cloudwego/kitex/tool/cmd/kitex

$(BIN)/temporal: tools/go.mod
	@echo "building the Temporal CLI (a few minutes the first time)..."
	$(TOOLS_BUILD) $@ github.com/temporalio/cli/cmd/temporal

$(BIN)/grpcurl: tools/go.mod
	$(TOOLS_BUILD) $@ github.com/fullstorydev/grpcurl/cmd/grpcurl

$(BIN)/workflowcheck: tools/go.mod
	$(TOOLS_BUILD) $@ go.temporal.io/sdk/contrib/tools/workflowcheck

tools: $(BIN)/kitex $(BIN)/temporal $(BIN)/grpcurl $(BIN)/workflowcheck

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
test: $(BIN)/temporal $(BIN)/grpcurl
	TEMPOMALL_TEMPORAL_CLI=$(BIN)/temporal TEMPOMALL_GRPCURL=$(BIN)/grpcurl \
		go test -count=1 -timeout 15m ./... ./idl/...

# The store, cache and throttle tests again, each run in a freshly created
# MariaDB database and its own Redis key space.
test-integration:
	TEMPOMALL_TEST_MYSQL_DSN='$(MYSQL_DSN)' TEMPOMALL_TEST_REDIS_ADDR='$(REDIS_ADDR)' \
		go test -count=1 -timeout 15m ./internal/... ./services/... ./activities/... ./workflows/...

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
	TEMPOMALL_RECORD_HISTORIES=1 TEMPOMALL_TEMPORAL_CLI=$(BIN)/temporal \
		go test -count=1 -run TestRecordHistories ./e2e/

# GetProduct against a bare Kitex echo of the same payload (throughput and
# ratio), and the auth middleware's cost per call on one core.
bench:
	go test -run '^$$' -bench . -benchtime 3s ./services/product/
	go test -run '^$$' -bench . -benchtime 3s -cpu 1 ./internal/authn/

## code generation and checks #############################################

gen: $(BIN)/kitex
	cd idl && for p in $(PROTOS); do $(BIN)/kitex -module $(IDL_MODULE) -I . $$p.proto || exit 1; done

# Regenerate into a scratch copy and compare: fails when the committed
# kitex_gen is stale.
gen-check: $(BIN)/kitex
	@tmp=$$(mktemp -d) && cp -r idl/. $$tmp/ && rm -rf $$tmp/kitex_gen && \
	(cd $$tmp && for p in $(PROTOS); do $(BIN)/kitex -module $(IDL_MODULE) -I . $$p.proto >/dev/null 2>&1 || exit 1; done) && \
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

clean:
	rm -rf $(BIN) .data .chaos
