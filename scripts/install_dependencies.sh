#!/usr/bin/env bash
# Installs what timbre needs to build, test and benchmark on Debian 12, from Debian's packages.
# Does nothing when everything is already there. Needs root (uses sudo when not root).
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config   # compiler and build tools
  libgtest-dev libgmock-dev                      # tests
  libcli11-dev                                   # cli/: the `timbre` program
  libsndfile1-dev libsamplerate0-dev libsoxr-dev # audio/: decoding and resampling
  libstb-dev                                     # audio/: PNG files and resizing (stb)
  libbenchmark-dev                               # bench/
  libtorch-dev libopenblas-dev                   # bench/: the libtorch comparison
  python3-torch python3-numpy                    # tests: models checked against PyTorch
)

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" ||
    missing+=("$package")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install_dependencies: all packages present"
  exit 0
fi

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
echo "install_dependencies: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
