# docker devlogs — the commands people type.
SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := build

GO        ?= go
VERSION   ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo 0.0.0-dev)
LDFLAGS   := -s -w -X main.version=$(VERSION)
PLUGINS   ?= $(or $(DOCKER_CONFIG),$(HOME)/.docker)/cli-plugins
FUZZTIME  ?= 5s
SOAK      ?= TestRestartsAndRecreatesLoseNothing|TestCutConnectionsLoseNothing|TestIdleStreamClosedThenBurst|TestDroppedEventsStillDiscovered|TestFanOut|TestFastRotationLosesNothing|TestSlowReaderLosesNothing
UNIT      := $(shell $(GO) list ./... | grep -v /e2e)

export CGO_ENABLED := 0

IMAGE     ?= docker-devlogs:$(VERSION)

.PHONY: build install test unit e2e soak fuzz check fmt lint bench demo demo-down image release-check clean

build: ## build bin/docker-devlogs
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o bin/docker-devlogs ./cmd/docker-devlogs

install: build ## install the plugin into ~/.docker/cli-plugins (docker devlogs)
	mkdir -p $(PLUGINS)
	install -m 0755 bin/docker-devlogs $(PLUGINS)/docker-devlogs
	@echo "installed $(PLUGINS)/docker-devlogs — try: docker devlogs --help"

# The end-to-end tests run without -race: the devlogs they drive is never
# race-built, and a race-built test proxy slows the 5,000 lines/s rotation
# scenario past the 0.3 s of log the daemon keeps (the proxy's own tests run
# with -race).
test: check ## everything CI runs: checks, unit tests, short fuzzing, end-to-end tests
	$(GO) run ./test/tools/ensure-compose
	{ CGO_ENABLED=1 $(GO) test -race -count=1 -timeout 60m -json $(UNIT); $(GO) test -count=1 -timeout 60m -json ./e2e/; } | $(GO) run ./test/tools/testsum
	$(GO) test -count=1 -run 'Allocate' $(UNIT) # allocation counts, meaningless under -race
	$(MAKE) --no-print-directory fuzz
	$(MAKE) --no-print-directory release-check

unit: ## unit tests only (no Docker needed)
	CGO_ENABLED=1 $(GO) test -race -count=1 $(UNIT)

e2e: ## end-to-end tests only (DEVLOGS_LONG=1 for the long scenarios)
	$(GO) run ./test/tools/ensure-compose
	$(GO) test -count=1 -timeout 120m -json ./e2e/ | $(GO) run ./test/tools/testsum

soak: ## the long reliability scenarios (minutes; not in CI): restarts, cuts, idle closes, dropped events, 300 containers
	$(GO) run ./test/tools/ensure-compose
	DEVLOGS_LONG=1 $(GO) test -count=1 -timeout 120m -json -run '$(SOAK)' ./e2e/ | $(GO) run ./test/tools/testsum

# A fuzz run that fails without writing a crasher (Go's fuzzer can end a
# timed run with "context deadline exceeded" while a worker is busy) is run
# once more; a crasher (a new file under testdata/fuzz) fails at once.
fuzz: ## run every fuzz target for FUZZTIME (default 5s)
	@for pkg in $(UNIT); do \
	  dir=$${pkg#github.com/docker-devlogs/devlogs/}; \
	  for f in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz' || true); do \
	    echo "fuzz $$f ($$dir) for $(FUZZTIME)"; \
	    for try in 1 2; do \
	      if $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$pkg > /tmp/devlogs-fuzz.log 2>&1; then break; fi; \
	      if [ $$try = 2 ] || [ -n "$$(git status --porcelain -- $$dir/testdata/fuzz)" ]; then cat /tmp/devlogs-fuzz.log; exit 1; fi; \
	      echo "  no crasher written ($$(grep -m1 -o 'context deadline exceeded' /tmp/devlogs-fuzz.log || echo 'see below')): running it again"; \
	    done; \
	  done; \
	done

check: ## gofmt and go vet
	@unformatted=$$(gofmt -l $$(git ls-files '*.go')); \
	  if [ -n "$$unformatted" ]; then echo "gofmt needed: $$unformatted"; exit 1; fi
	$(GO) vet ./...

fmt:
	gofmt -w $$(git ls-files '*.go')

lint: check

bench: ## compare devlogs with docker compose logs and a raw Engine API reader on 1M lines
	$(GO) run ./bench/compare

demo: install ## start the demo project and follow it with docker devlogs (Ctrl-C to stop)
	$(GO) run ./test/tools/ensure-compose
	$(GO) run ./examples/demo/build
	docker compose -f examples/demo/compose.yaml up -d
	docker devlogs -f examples/demo/compose.yaml

demo-down: ## remove the demo project
	docker compose -f examples/demo/compose.yaml down -t 1

image: build ## build the container image (FROM scratch, no registry needed)
	DOCKER_BUILDKIT=0 docker build -t $(IMAGE) -t docker-devlogs:latest .
	@docker image inspect -f '{{.Size}}' $(IMAGE) | awk '{printf "built $(IMAGE): %.1f MB\n", $$1/1e6}'

release-check: ## validate .goreleaser.yaml (goreleaser built from the module proxy)
	$(GO) run ./test/tools/goreleaser check

clean:
	rm -rf bin
