// cli/info_command.cpp - `timbre info`: what this build of timbre is and can use.
#include <omp.h>

#include <cstdio>
#include <string>

#include "cli/commands.h"
#include "layers/models/models.h"
#include "tensor/cpu/gemm.h"
#include "tensor/cuda/conv_cudnn.h"
#include "tensor/cuda_runtime_info.h"

namespace timbre::cli {

namespace {

void run_info() {
  std::printf("timbre %s\n", TIMBRE_VERSION);  // the CMake project version

  std::string cuda;
  if (!cuda::compiled_with_cuda()) {
    cuda = "not compiled in";
  } else if (cuda::device_count() == 0) {
    cuda = "compiled in, no usable GPU (" + cuda::unavailable_reason() + ")";
  } else {
    cuda = "compiled in, " + std::to_string(cuda::device_count()) + " GPU(s)";
  }
  std::printf("%-19s CPU; CUDA %s\n", "backends:", cuda.c_str());
  if (cuda::compiled_with_cuda()) {
    const std::string convolutions =
        cuda::cudnn_enabled() ? cuda::cudnn_version() + " for convolutions"
                              : "convolutions by im2col + cuBLAS (" + cuda::cudnn_version() + ")";
    std::printf("%-19s %s; %s; %s\n", "CUDA libraries:", cuda::runtime_version().c_str(),
                cuda::cublas_version().c_str(), convolutions.c_str());
  }
  // One line per GPU: what it is, and what timbre's caching allocator holds on it.
  for (int device = 0; device < cuda::device_count(); ++device) {
    const cuda::DeviceProperties properties = cuda::device_properties(device);
    const cuda::MemoryStats stats = cuda::memory_stats(device);
    std::printf(
        "%-19s %s, compute capability %d.%d, %s of memory (%s free); timbre: %s in use, "
        "peak %s, %s cached\n",
        ("cuda:" + std::to_string(device) + ":").c_str(), properties.name.c_str(),
        properties.compute_major, properties.compute_minor,
        cuda::format_bytes(properties.total_memory).c_str(),
        cuda::format_bytes(properties.free_memory).c_str(),
        cuda::format_bytes(stats.bytes_in_use).c_str(),
        cuda::format_bytes(stats.peak_bytes_in_use).c_str(),
        cuda::format_bytes(stats.bytes_cached).c_str());
  }
  std::printf("%-19s %d\n", "OpenMP threads:", omp_get_max_threads());
  std::printf("%-19s %s\n", "GEMM micro-kernel:", cpu::gemm_kernel_name());

  std::string names;
  for (const std::string& name : models::model_names())
    names += (names.empty() ? "" : ", ") + name;
  std::printf("%-19s %s\n", "models:", names.c_str());
}

}  // namespace

void add_info_command(CLI::App& app) {
  CLI::App* command = app.add_subcommand("info", "Version, backends, threads and GEMM kernel");
  command->callback(run_info);
}

}  // namespace timbre::cli
