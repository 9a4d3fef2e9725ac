// tensor/npy.h - reading and writing NumPy .npy files (the format of the reference data that
// PyTorch and librosa produce for timbre's parity tests).
//
// Supported: little-endian float32 ('<f4'), float64 ('<f8') and int64 ('<i8'), C order, format
// versions 1.0-3.0; NumPy bools ('|b1') are read as an int64 tensor of 0s and 1s. Anything else
// (big-endian, Fortran order, other dtypes, a truncated file) is rejected with a timbre::Error
// naming the file and the problem.
#pragma once

#include <string>

#include "tensor/tensor.h"

namespace timbre {

// Requires: path names a readable .npy file of a supported dtype.
// Ensures:  a contiguous CPU tensor with the file's shape, dtype and values.
Tensor read_npy(const std::string& path);

// Writes a version 1.0 .npy file (any tensor; it is made contiguous on the CPU first). The file
// is written to "<path>.tmp" and renamed, so a crash never leaves a half-written file at `path`.
void write_npy(const std::string& path, const Tensor& tensor);

}  // namespace timbre
