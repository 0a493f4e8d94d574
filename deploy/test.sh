#!/usr/bin/env bash
# The second of the README's two commands, and what CI runs: installs what
# Safer needs, then
#   1. builds without sanitizers and runs the integration suites with saferd
#      under valgrind (uninitialised reads and leaks in the server process);
#   2. builds with AddressSanitizer and UndefinedBehaviorSanitizer and runs the
#      whole suite through ctest.
# The output ends with ctest's summary of the whole suite.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)

bash deploy/install-deps.sh

echo "== valgrind pass: integration suites, saferd under valgrind"
cmake -S . -B build-vg -DCMAKE_BUILD_TYPE=Debug >/dev/null
cmake --build build-vg -j"$jobs" >/dev/null
SAFER_TEST_VALGRIND=1 ctest --test-dir build-vg --output-on-failure -j"$jobs" -R '^integration/'

echo "== sanitizer pass: the whole suite under ASan and UBSan"
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DSAFER_SANITIZE=ON >/dev/null
cmake --build build-asan -j"$jobs"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
# The conformance test's own count of Noise vectors, shown before the summary.
./build-asan/tests/noise_test 2>&1 | grep -E '^noise vectors' || true
ctest --test-dir build-asan --output-on-failure -j"$jobs"
