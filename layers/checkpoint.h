// layers/checkpoint.h - saving and loading models (and optimizer state) as safetensors files,
// the format of Hugging Face's `safetensors` library, so a timbre checkpoint loads in PyTorch:
//
//   from safetensors.torch import load_file
//   model.load_state_dict(load_file("model.safetensors"))
//
// The file layout (all integers little-endian):
//
//   bytes [0, 8)          N: the length of the header, an unsigned 64-bit integer
//   bytes [8, 8 + N)      the header: JSON, padded with spaces to a multiple of 8 bytes
//       {"__metadata__": {"epoch": "3", ...},                        <- optional, string -> string
//        "fc1.weight": {"dtype": "F32", "shape": [8, 4], "data_offsets": [0, 128]},
//        "fc1.bias":   {"dtype": "F32", "shape": [8],    "data_offsets": [128, 160]}, ...}
//   bytes [8 + N, end)    the data section: each tensor's raw little-endian values in row-major
//                         order, at [begin, end) counted from the start of the data section.
//
// The tensors must tile the data section exactly: no gaps, no overlaps, nothing after the last.
// timbre reads and writes the dtypes F32, F64 and I64 (float32, float64, int64).
//
// Writing is atomic: the file is written to "<path>.tmp", flushed to disk and renamed over
// `path`, so a crash or an error never leaves a half-written checkpoint, and an existing one
// survives a failed save. Reading checks every size and offset against the file's length before
// reading a byte of data: a truncated or corrupt file gives a timbre::Error naming the file and
// the problem, never a read past its end.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "layers/module.h"
#include "layers/optim.h"

namespace timbre::nn {

// Free-form information stored with the tensors (the safetensors "__metadata__"), e.g.
// {"epoch": "12", "val_accuracy": "0.91"}. Keys and values are strings, as the format requires.
using Metadata = std::map<std::string, std::string>;

// ---- The file format ----------------------------------------------------------------------------

// Writes `tensors` (any device and layout; copied to contiguous CPU memory as they are written)
// in the given order. Requires: distinct names, none equal to "__metadata__".
// Ensures: `path` holds the complete file, or is unchanged when an error is thrown.
void write_safetensors(const std::string& path, const std::vector<NamedTensor>& tensors,
                       const Metadata& metadata = {});

// Requires: `path` is a safetensors file of F32/F64/I64 tensors.
// Ensures: contiguous CPU tensors with the file's names, shapes, dtypes and values, in the order
// of their data in the file.
std::vector<NamedTensor> read_safetensors(const std::string& path);

// The file's "__metadata__" (empty when it has none). Reads and checks only the header.
Metadata read_safetensors_metadata(const std::string& path);

// ---- Models -------------------------------------------------------------------------------------

// Writes model.state_dict() (parameters then buffers, named like PyTorch's keys) and `metadata`.
void save(const Module& model, const std::string& path, const Metadata& metadata = {});

// Copies the file's tensors into the model's parameters and buffers, in place (the handles held
// by layers and optimizers stay valid; the values go to each tensor's device). Strict: the file
// must hold exactly the model's state_dict() names, each with the model's shape and dtype, else a
// timbre::Error names the file and the first missing, unexpected or mismatched tensor, and the
// model is left unchanged.
void load(Module& model, const std::string& path);

// ---- Resuming training --------------------------------------------------------------------------

// One file holding everything needed to resume: the model's tensors under "model." (e.g.
// "model.fc1.weight"), the optimizer's state under "optimizer." (e.g. "optimizer.state.0.exp_avg",
// see Optimizer::state_dict) and `metadata` (epoch, scheduler position, ...). One file rather than
// two so that model and optimizer can never be restored from different moments.
void save_training_state(const std::string& path, const Module& model, const Optimizer& optimizer,
                         const Metadata& metadata = {});

// Restores what save_training_state wrote, strictly (as load and Optimizer::load_state_dict), and
// returns the metadata. On an error neither the model nor the optimizer is changed.
Metadata load_training_state(const std::string& path, Module& model, Optimizer& optimizer);

}  // namespace timbre::nn
