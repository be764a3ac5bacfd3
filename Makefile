# Hulian: `make demo` runs the switch with simulated institutions;
# `make test` runs vet, gofmt, the race detector, every test and a short
# run of every fuzz target. Both install what they need first.

GO       ?= go
BIN      := bin
PKGS     := ./...
FUZZTIME ?= 4s
SYSPKGS  := pcscd libpcsclite-dev vsmartcard-vpcd pkg-config softhsm2 prometheus chromium chromium-driver

.PHONY: all deps build demo test vet fmt-check pcscd race fuzz-short fuzz bench clean

all: build

# System packages (PC/SC for the card work). Installed with apt-get when
# running as root; otherwise the exact command is printed.
deps:
	@missing=""; for p in $(SYSPKGS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing:$$missing"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null) || \
	      { echo "apt-get failed; install by hand: apt-get install -y$$missing"; exit 1; }; \
	  else \
	    echo "missing system packages:$$missing"; \
	    echo "run: sudo apt-get update && sudo apt-get install -y$$missing"; exit 1; \
	  fi; \
	fi
	@command -v $(GO) >/dev/null || { echo "Go is missing: install Go 1.26 or newer (https://go.dev/doc/install)"; exit 1; }

build: deps
	$(GO) build -o $(BIN)/ ./cmd/...

demo: build pcscd
	$(BIN)/paysim demo --switchd $(BIN)/switchd --config testdata/switchd.yaml$(if $(SERVE), --serve)

vet:
	$(GO) vet $(PKGS)

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

# pcscd with 8 vpcd virtual readers for the card tests (see .ci/pcscd).
pcscd:
	.ci/pcscd

# The misbehaving-peer test measures a well-behaved acquirer's throughput
# while peers attack switchd: it runs on its own, after the others, so that
# no other package's tests share the cores with it.
race: pcscd
	$(GO) test -race -count=1 -timeout 20m -skip '^TestMisbehavingPeers$$' $(PKGS)
	$(GO) test -race -count=1 -timeout 5m -run '^TestMisbehavingPeers$$' ./cmd/switchd

fuzz-short:
	@FUZZTIME=$(FUZZTIME) GO=$(GO) .ci/fuzz-all

test: deps vet fmt-check race fuzz-short

fuzz:
	@FUZZTIME=5m GO=$(GO) .ci/fuzz-all

bench: build
	$(GO) test -run '^$$' -bench . -benchmem ./iso8583/... ./switch/...
	.ci/bench-switch

clean:
	rm -rf $(BIN)
