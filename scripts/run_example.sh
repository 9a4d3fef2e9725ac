#!/usr/bin/env bash
# Sets up (packages), builds and runs timbre's main example. Until examples/gtzan_cnn exists this
# is examples/xor_mlp: a two-layer perceptron trained with autograd.
# Arguments are passed to the example (try --help).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install_dependencies.sh
cmake --preset release -DTIMBRE_BUILD_TESTS=OFF -DTIMBRE_BUILD_BENCH=OFF
cmake --build --preset release --target xor_mlp
./build/release/examples/xor_mlp "$@"
