// examples/common/device.h - choosing the device a lab trains on (--device), and saying which on
// the first line of output.
#pragma once

#include <cstdio>
#include <string>

#include "tensor/device.h"

namespace timbre::examples {

// "auto": cuda:0 when the CUDA backend can train on a GPU here, else cpu; "cpu"; "cuda" or
// "cuda:N". Prints "device: <name> (<why>)" to `out` (stdout; a command whose stdout is data,
// such as `timbre classify`, passes stderr).
// Throws timbre::Error with one sentence when "cuda" is asked for and cannot be used (no GPU,
// or timbre built without CUDA), or for an unknown name.
Device select_device(const std::string& flag, std::FILE* out = stdout);

}  // namespace timbre::examples
