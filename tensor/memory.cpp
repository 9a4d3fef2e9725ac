// tensor/memory.cpp - allocation and copies: the CPU does them here, the GPU in cuda/.
#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "tensor/cuda_runtime_info.h"
#include "tensor/error.h"
#include "tensor/storage.h"

namespace timbre {

namespace memory {

void* allocate(std::size_t nbytes, Device device) {
  if (device.is_cuda()) return cuda::allocate(nbytes, device.index);
  // 64-byte alignment suits AVX-512 loads; aligned_alloc needs a size that is a multiple of it.
  const std::size_t rounded = (std::max<std::size_t>(nbytes, 1) + 63) / 64 * 64;
  void* pointer = std::aligned_alloc(64, rounded);
  TIMBRE_CHECK(pointer != nullptr, "out of CPU memory: could not allocate ", nbytes, " bytes");
  return pointer;
}

void deallocate(void* pointer, Device device) {
  if (device.is_cuda()) {
    cuda::deallocate(pointer, device.index);
  } else {
    std::free(pointer);
  }
}

void copy_bytes(void* destination, Device destination_device, const void* source,
                Device source_device, std::size_t nbytes) {
  if (nbytes == 0) return;
  if (destination_device.is_cpu() && source_device.is_cpu()) {
    std::memcpy(destination, source, nbytes);
  } else if (destination_device.is_cuda() && source_device.is_cpu()) {
    cuda::copy_bytes(destination, source, nbytes, cuda::CopyKind::HostToDevice);
  } else if (destination_device.is_cpu() && source_device.is_cuda()) {
    cuda::copy_bytes(destination, source, nbytes, cuda::CopyKind::DeviceToHost);
  } else {
    cuda::copy_bytes(destination, source, nbytes, cuda::CopyKind::DeviceToDevice);
  }
}

}  // namespace memory

Storage::Storage(std::size_t nbytes, Device device)
    : data_(memory::allocate(nbytes, device)), nbytes_(nbytes), device_(device) {}

Storage::~Storage() {
  memory::deallocate(data_, device_);
}

Device Device::parse(const std::string& text) {
  if (text == "cpu") return Device::cpu();
  if (text == "cuda") return Device::cuda(0);
  if (text.rfind("cuda:", 0) == 0 && text.size() > 5 &&
      text.find_first_not_of("0123456789", 5) == std::string::npos && text.size() < 9) {
    return Device::cuda(std::stoi(text.substr(5)));
  }
  throw Error("unknown device '" + text + "': expected cpu, cuda or cuda:N");
}

}  // namespace timbre
