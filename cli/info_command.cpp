// cli/info_command.cpp - `timbre info`: what this build of timbre is and can use.
#include <omp.h>

#include <cstdio>
#include <string>

#include "cli/commands.h"
#include "layers/models/models.h"
#include "tensor/cpu/gemm.h"
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
