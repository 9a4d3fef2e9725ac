// tensor/cuda/cuda_unavailable.cpp - the CUDA entry points of a CPU-only build. Compiled instead of
// cuda/memory.cu when TIMBRE_CUDA is OFF or nvcc was not found: every GPU request gets a clear
// error instead of a link failure.
#include <string>

#include "tensor/cuda_runtime_info.h"
#include "tensor/error.h"

namespace timbre::cuda {

namespace {
[[noreturn]] void fail(const char* what) {
  throw Error(std::string(what) +
              ": timbre was built without CUDA (configure with -DTIMBRE_CUDA=ON on a machine "
              "with nvcc)");
}
}  // namespace

bool compiled_with_cuda() {
  return false;
}
int device_count() {
  return 0;
}
std::string unavailable_reason() {
  return "timbre was built without CUDA";
}
void* allocate(std::size_t, int) {
  fail("allocating GPU memory");
}
void deallocate(void*, int) {}
void copy_bytes(void*, const void*, std::size_t, CopyKind) {
  fail("copying to or from a GPU");
}

}  // namespace timbre::cuda
