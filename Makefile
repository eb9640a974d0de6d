# LowRank — two commands on a fresh Debian/Ubuntu machine with Swift: `make demo` and `make test`.
SWIFT ?= swift
BIN := .build/release/lowrank

.PHONY: deps build demo test bench fuzz clean

deps:
	@bash scripts/install-deps

build: deps
	$(SWIFT) build -c release

demo: build
	@bash scripts/demo

test: deps
	$(SWIFT) test -c release

bench: build
	$(BIN) bench kernels

fuzz: deps
	@bash scripts/fuzz-matrix-market
	@bash scripts/fuzz-fcidump

clean:
	rm -rf .build
