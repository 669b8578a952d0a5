# kxrun: `make demo` builds kxrun and runs a real ablation on the bundled
# example; `make test` runs every test.
GO      ?= go
BIN     := bin
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X github.com/kxrun/kxrun/study.Version=$(VERSION)

.PHONY: all build demo test lint clean

all: build

build:
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN)/kxrun ./cmd/kxrun
	$(GO) build -o $(BIN)/demotrainer ./examples/demotrainer

demo: build
	./$(BIN)/kxrun ablation plans/demo.yaml

test: lint
	$(GO) test -race -count=1 ./...

lint:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$unformatted" ]; then echo "gofmt needed: $$unformatted"; exit 1; fi
	$(GO) vet ./...

clean:
	rm -rf $(BIN)
