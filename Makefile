# The two set-up commands: `make run` and `make test`. Both are idempotent.
BUILD_DIR ?= build
ASAN_DIR ?= build-asan
FUZZ_DIR ?= build-fuzz
JOBS ?= $(shell nproc)
MODEL ?= models/SmolLM2-135M-Instruct.Q4_1.gguf
PROMPT ?= The three most important things about learning to program are
FUZZ_SECONDS ?= 30

.PHONY: run test deps build model build-asan test-unit test-asan fuzz clean

run: deps build model
	$(BUILD_DIR)/bin/tessera run -m $(MODEL) -p "$(PROMPT)" -n 64

test: deps build model
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS) --timeout 900
	$(MAKE) test-asan
	$(MAKE) fuzz

deps:
	@scripts/install_deps.sh

model:
	@scripts/fetch_model.sh

build:
	@test -f $(BUILD_DIR)/build.ninja || cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Release
	cmake --build $(BUILD_DIR) -j $(JOBS)

# Unit tests again with AddressSanitizer and UndefinedBehaviorSanitizer.
test-asan:
	@test -f $(ASAN_DIR)/build.ninja || cmake -S . -B $(ASAN_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DTESSERA_SANITIZE=ON
	cmake --build $(ASAN_DIR) -j $(JOBS)
	cd $(ASAN_DIR) && ctest --output-on-failure -j $(JOBS) -L unit --timeout 900

# Each libFuzzer harness runs briefly from its seed corpus.
fuzz:
	@test -f $(FUZZ_DIR)/build.ninja || CC=clang CXX=clang++ cmake -S . -B $(FUZZ_DIR) -G Ninja \
	  -DCMAKE_BUILD_TYPE=Debug -DTESSERA_FUZZ=ON -DTESSERA_SANITIZE=ON -DTESSERA_TESTS=OFF
	cmake --build $(FUZZ_DIR) -j $(JOBS) --target fuzzers
	scripts/run_fuzzers.sh $(FUZZ_DIR) $(FUZZ_SECONDS)

clean:
	rm -rf $(BUILD_DIR) $(ASAN_DIR) $(FUZZ_DIR)
