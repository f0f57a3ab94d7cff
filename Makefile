# Front door to CMake; no build logic lives here.
#   make            build (release with debug info) into build/
#   make test       install what is missing, build, run unit and end-to-end tests
#   make demo       install what is missing, build, run the pipeline offline
#   make bench      run the benchmarks against the peer tools (installs them)
#   make install    PREFIX=/usr/local (default)
#   make sanitize   build with ASan+UBSan into build-asan/ and run the tests
#   make docs       regenerate man OPTIONS sections and shell completions

BUILD ?= build
PREFIX ?= /usr/local
CMAKE_FLAGS ?=
JOBS ?= $(shell nproc 2>/dev/null || echo 2)

.PHONY: all build deps test demo bench install sanitize docs clean

all: build

deps:
	@scripts/install-deps build runtime test

$(BUILD)/build.ninja:
	cmake -S . -B $(BUILD) -G Ninja $(CMAKE_FLAGS)

build: deps $(BUILD)/build.ninja
	ninja -C $(BUILD) -j $(JOBS)

test: build
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)

demo: build
	examples/demo.sh $(BUILD)

bench: build
	@scripts/install-deps bench
	bench/run $(BUILD)

install: build
	cmake --install $(BUILD) --prefix $(PREFIX)

sanitize:
	@scripts/install-deps build runtime test
	cmake -S . -B build-asan -G Ninja -DPIX_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug $(CMAKE_FLAGS)
	ninja -C build-asan -j $(JOBS)
	ctest --test-dir build-asan --output-on-failure -j $(JOBS)

docs: build
	scripts/gen-docs $(BUILD)/bin

clean:
	rm -rf $(BUILD) build-asan
