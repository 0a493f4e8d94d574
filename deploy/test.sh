#!/usr/bin/env bash
# The second of the README's two commands, and what CI runs: installs what
# Safer needs, builds it with AddressSanitizer and UndefinedBehaviorSanitizer
# and runs the whole suite through ctest. The output ends with ctest's summary.
set -euo pipefail
cd "$(dirname "$0")/.."

bash deploy/install-deps.sh
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DSAFER_SANITIZE=ON >/dev/null
cmake --build build-asan -j"$(nproc)"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
ctest --test-dir build-asan --output-on-failure -j"$(nproc)"
