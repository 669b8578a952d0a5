# kxrun: `make demo` builds kxrun and runs a real ablation on the bundled
# example; `make test` runs every test.
GO      ?= go
BIN     := bin
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X github.com/kxrun/kxrun/study.Version=$(VERSION)

.PHONY: all build demo test test-python lint bench clean reliability

all: build

build:
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN)/kxrun ./cmd/kxrun
	$(GO) build -o $(BIN)/demotrainer ./examples/demotrainer

demo: build
	./$(BIN)/kxrun ablation plans/demo.yaml

test: lint
	$(GO) test -race -count=1 ./...
	$(MAKE) test-python

# The Python package (python/) against bin/kxrun, with Debian's
# interpreter (python3-numpy, python3-pandas; the tests skip and say so
# without them).
test-python: build
	@if [ -x /usr/bin/python3 ]; then \
		cd python && KXRUN_BIN=$(CURDIR)/$(BIN)/kxrun PYTHONDONTWRITEBYTECODE=1 /usr/bin/python3 -m unittest discover -s tests -t . ; \
	else echo "skipping the Python tests: no /usr/bin/python3 (apt-get install python3 python3-numpy python3-pandas)"; fi

lint:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$unformatted" ]; then echo "gofmt needed: $$unformatted"; exit 1; fi
	$(GO) vet ./...
	$(GO) mod tidy -diff

# Benchmarks (figures and how to read them in docs/performance.md): the
# per-run overhead against xargs, GNU parallel and a bare exec loop
# (apt-get install parallel for that peer; the trivial trainer is built
# with cc when there is one, else in Go), tracker scale over 100,000
# runs, array throughput against numpy.load (python3-numpy), concurrency
# efficiency of CPU-bound runs, the dashboard on 100,000 runs (Chromium),
# hill climbing against numpy, then the Go micro-benchmarks of the hot
# paths. About 20 minutes in all on 2 cores.
bench:
	bench/overhead.sh
	bench/scale.sh
	bench/arrays.sh
	bench/concurrency.sh
	bench/ui.sh
	bench/ensemble.sh
	$(GO) test -run XXX -bench . -benchtime 20x ./tracker ./runner ./plan ./npyfile ./stats ./report

clean:
	rm -rf $(BIN)

# The fault-injection suite, long form (5 to 7 minutes on 2 cores; needs
# root for the full-disk scenario): kill -9 during sweeps and rewrites,
# concurrent writers, a full disk, hostile trainers, plans and arguments,
# secrets. Prints the table of
# docs/reliability.md. Its short form runs in `make test`.
reliability:
	$(GO) test -tags reliability -count=1 -timeout 60m -run 'TestKill9|TestKill9Rewrite|TestConcurrentWriters|TestDiskFull|TestHostileTrainers|TestHostileArgs|TestSecrets' -v ./reliability/
