#!/usr/bin/env bash
# Sets up (packages), builds and runs timbre's test suite.
#   scripts/run_tests.sh            release build in build/release, every test (CUDA tests skip
#                                   without a GPU)
#   scripts/run_tests.sh --asan     the same with AddressSanitizer + UBSan, in build/debug-asan
# Extra arguments after the options go to ctest, e.g. `scripts/run_tests.sh -L gradcheck`.
set -euo pipefail
cd "$(dirname "$0")/.."

preset=release
if [ "${1:-}" = "--asan" ]; then
  preset=debug-asan
  shift
fi

bash scripts/install_dependencies.sh

# In CI (CI=true) compiler warnings are errors.
werror=OFF
if [ "${CI:-}" = "true" ]; then werror=ON; fi

cmake --preset "$preset" -DTIMBRE_WERROR="$werror"
cmake --build --preset "$preset"
ctest --preset "$preset" "$@"
