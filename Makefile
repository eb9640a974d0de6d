# LowRank — two commands on a fresh Debian/Ubuntu machine with Swift: `make demo` and `make test`.
SWIFT ?= swift
BIN := .build/release/lowrank

.PHONY: deps build demo test check-layers bench fuzz clean

deps:
	@bash scripts/install-deps

build: deps
	$(SWIFT) build -c release

demo: build
	@bash scripts/demo

# check-layers: C imports only in Internals/ seams, declared layer dependencies, and a LowRankKernels-only client
# that links none of SuiteSparse, matio, zlib, SLICOT (one small release build of the kernel module).
# test-mpi: builds lowrank with the MPI trait in .build-mpi and checks distributed runs under mpirun -np 2 and 3
# against serial ones.
test: deps
	$(SWIFT) test -c release
	SWIFT=$(SWIFT) bash scripts/check-layers
	SWIFT=$(SWIFT) bash scripts/test-mpi

check-layers:
	SWIFT=$(SWIFT) bash scripts/check-layers

bench: build
	$(BIN) bench kernels

# FUZZ_RUNS=N runs each target N times (default 10^6), e.g. make fuzz FUZZ_RUNS=100000
FUZZ_RUNS ?= 1000000

fuzz: deps
	@bash scripts/fuzz-matrix-market $(FUZZ_RUNS)
	@bash scripts/fuzz-fcidump $(FUZZ_RUNS)
	@bash scripts/fuzz-npy $(FUZZ_RUNS)
	@bash scripts/fuzz-mat $(FUZZ_RUNS)
	@bash scripts/fuzz-ratings $(FUZZ_RUNS)

clean:
	rm -rf .build .build-mpi
