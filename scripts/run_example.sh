#!/usr/bin/env bash
# Sets up (packages), builds and runs timbre's main example, examples/gtzan_cnn: with no
# arguments it generates the synthetic GTZAN (once, into ~/.cache/timbre), renders its mel
# pictures (once) and trains the SUTD Basic CNN on them, writing runs/gtzan_cnn/.
# Arguments are passed to the example (try --help).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install_dependencies.sh
cmake --preset release -DTIMBRE_BUILD_TESTS=OFF -DTIMBRE_BUILD_BENCH=OFF
cmake --build --preset release --target gtzan_cnn
./build/release/examples/gtzan_cnn "$@"
